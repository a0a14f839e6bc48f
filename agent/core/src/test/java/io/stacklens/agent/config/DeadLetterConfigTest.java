package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.load;
import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ExporterConfig;
import org.junit.jupiter.api.Test;

/** {@code exporters.<id>.dead_letter.exporter}: checked against the other exporters, at its line. */
class DeadLetterConfigTest {

  @Test
  void aDeadLetterExporterNeedsNoPipelineAndIsNotReportedUnused() {
    LoadResult result = load("""
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
    ExporterConfig main = (ExporterConfig) result.config().orElseThrow().exporters().get(ComponentId.parse("file/main"));
    assertThat(main.deadLetter.exporterId()).isEqualTo(ComponentId.parse("file/dlq"));
  }

  @Test
  void anUndefinedDeadLetterExporterIsAnErrorAtItsLine() {
    LoadResult result = load("""
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

    assertThat(printed(result)).containsExactly(
        "agent.yaml:6:20: exporters.file/main.dead_letter.exporter: exporter 'file/dlx' is not defined under exporters"
            + " (defined: file/main, file/dlq); define it, e.g. exporters: { file/dlx: {...} }");
  }

  @Test
  void anExporterCannotBeItsOwnDeadLetter() {
    LoadResult result = load("""
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

    assertThat(printed(result)).singleElement().asString()
        .contains("exporters.file.dead_letter.exporter: an exporter cannot be its own dead letter");
  }

  @Test
  void deadLettersDoNotChain() {
    LoadResult result = load("""
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

    assertThat(printed(result)).singleElement().asString()
        .startsWith("agent.yaml:4:")
        .contains("exporters.file/a.dead_letter.exporter: exporter 'file/b' has a dead_letter of its own");
  }
}
