package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.load;
import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.SignalLimitedConfig;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.DeadLetterReceiverSettings;
import io.stacklens.agent.testing.StubFactories;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code exporters.<id>.dead_letter.exporter} and {@code receivers.<id>.dead_letter.exporter}:
 * checked against the exporters, at their line.
 */
class DeadLetterConfigTest {

  /**
   * An exporter whose {@code raw: true} carries logs only, like the kafka exporter's encoding raw.
   */
  static final class LinesConfig extends ExporterConfig implements SignalLimitedConfig {
    public boolean raw;

    @Override
    public String unsupported(Signal signal) {
      return raw && signal != Signal.LOGS
          ? "with raw: true, which carries logs only; set raw: false"
          : null;
    }
  }

  /**
   * Receivers {@code otlp} and {@code queue}, exporters {@code file}, {@code zipkin} (traces only)
   * and {@code lines}.
   */
  private static LoadResult loadWithReceiverDeadLetters(String yaml) {
    ComponentRegistry registry =
        ComponentRegistry.of(
            StubFactories.configOnlyReceiver(
                "otlp", TestFactories.OtlpConfig::new, EnumSet.allOf(Signal.class)),
            StubFactories.configOnlyReceiver(
                "queue", DeadLetterReceiverSettings::new, EnumSet.allOf(Signal.class)),
            StubFactories.configOnlyExporter(
                "file", TestFactories.FileConfig::new, EnumSet.allOf(Signal.class)),
            StubFactories.configOnlyExporter(
                "zipkin", TestFactories.DebugConfig::new, EnumSet.of(Signal.TRACES)),
            StubFactories.configOnlyExporter(
                "lines", LinesConfig::new, EnumSet.allOf(Signal.class)));
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  @Test
  void aDeadLetterExporterNeedsNoPipelineAndIsNotReportedUnused() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        exporters:
          file/main:
            path: /tmp/main.jsonl
            dead_letter: { exporter: file/dlq }
          file/dlq: { path: /tmp/dlq.jsonl }
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [file/main] }
        """);

    assertThat(printed(result)).isEmpty();
    ExporterConfig main =
        (ExporterConfig)
            result.config().orElseThrow().exporters().get(ComponentId.parse("file/main"));
    assertThat(main.deadLetter.exporterId()).isEqualTo(ComponentId.parse("file/dlq"));
  }

  @Test
  void anUndefinedDeadLetterExporterIsAnErrorAtItsLine() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        exporters:
          file/main:
            path: /tmp/main.jsonl
            dead_letter: { exporter: file/dlx }
          file/dlq: { path: /tmp/dlq.jsonl }
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [file/main, file/dlq] }
        """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:6:20: exporters.file/main.dead_letter.exporter: exporter 'file/dlx' is not defined under exporters"
                + " (defined: file/main, file/dlq); define it, e.g. exporters: { file/dlx: {...} }");
  }

  @Test
  void anExporterCannotBeItsOwnDeadLetter() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        exporters:
          file:
            path: /tmp/main.jsonl
            dead_letter: { exporter: file }
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [file] }
        """);

    assertThat(printed(result))
        .singleElement()
        .asString()
        .contains("exporters.file.dead_letter.exporter: an exporter cannot be its own dead letter");
  }

  @Test
  void deadLettersDoNotChain() {
    LoadResult result =
        load(
            """
        receivers:
          otlp:
        exporters:
          file/a: { path: /tmp/a.jsonl, dead_letter: { exporter: file/b } }
          file/b: { path: /tmp/b.jsonl, dead_letter: { exporter: file/c } }
          file/c: { path: /tmp/c.jsonl }
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [file/a] }
        """);

    assertThat(printed(result))
        .singleElement()
        .asString()
        .startsWith("agent.yaml:4:")
        .contains(
            "exporters.file/a.dead_letter.exporter: exporter 'file/b' has a dead_letter of its own");
  }

  @Test
  void aReceiversDeadLetterExporterNeedsNoPipelineAndIsNotReportedUnused() {
    LoadResult result =
        loadWithReceiverDeadLetters(
            """
        receivers:
          queue:
            dead_letter: { exporter: file/raw }
        exporters:
          file: { path: /tmp/main.jsonl }
          file/raw: { path: /tmp/raw.jsonl }
        service:
          pipelines:
            logs: { receivers: [queue], exporters: [file] }
        """);

    assertThat(printed(result)).isEmpty();
    var queue =
        (DeadLetterReceiverSettings)
            result.config().orElseThrow().receivers().get(ComponentId.parse("queue"));
    assertThat(queue.deadLetterExporter()).isEqualTo(ComponentId.parse("file/raw"));
  }

  @Test
  void aReceiversUndefinedDeadLetterExporterIsAnErrorAtItsLine() {
    LoadResult result =
        loadWithReceiverDeadLetters(
            """
        receivers:
          queue:
            dead_letter:
              exporter: file/rwa
        exporters:
          file: { path: /tmp/main.jsonl }
        service:
          pipelines:
            logs: { receivers: [queue], exporters: [file] }
        """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:7: receivers.queue.dead_letter.exporter: exporter 'file/rwa' is not defined under exporters"
                + " (defined: file); define it, e.g. exporters: { file/rwa: {...} }");
  }

  @Test
  void aReceiversDeadLetterExporterMustTakeTheSignalOfItsDeadLetters() {
    LoadResult result =
        loadWithReceiverDeadLetters(
            """
        receivers:
          otlp:
          queue:
            dead_letter: { exporter: zipkin }
        exporters:
          file: { path: /tmp/main.jsonl }
          zipkin:
        service:
          pipelines:
            traces: { receivers: [queue], exporters: [zipkin] }
            logs: { receivers: [otlp], exporters: [file] }
        """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:20: receivers.queue.dead_letter.exporter: exporter 'zipkin' does not support logs, which"
                + " receiver 'queue' sends to its dead letter (supported: traces)");
  }

  @Test
  void aReceiversDeadLetterExporterHasNoDeadLetterOfItsOwn() {
    LoadResult result =
        loadWithReceiverDeadLetters(
            """
        receivers:
          queue:
            dead_letter: { exporter: file/raw }
        exporters:
          file: { path: /tmp/main.jsonl }
          file/raw: { path: /tmp/raw.jsonl, dead_letter: { exporter: file } }
        service:
          pipelines:
            logs: { receivers: [queue], exporters: [file] }
        """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:3:20: receivers.queue.dead_letter.exporter: exporter 'file/raw' has a dead_letter of its own;"
                + " a dead-letter exporter cannot pass its failures on: remove exporters.file/raw.dead_letter or pick"
                + " another exporter");
  }

  @Test
  void aConfigThatNarrowsItsSignalsIsAnErrorInAPipelineOfAnotherSignalAtThePipelinesEntry() {
    LoadResult result =
        loadWithReceiverDeadLetters(
            """
        receivers:
          otlp:
        exporters:
          lines: { raw: true }
          lines/any: { raw: false }
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [lines] }
            traces: { receivers: [otlp], exporters: [lines/any, lines] }
        """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:9:57: service.pipelines.traces.exporters[1]: exporter 'lines' does not support traces with"
                + " raw: true, which carries logs only; set raw: false");
  }
}
