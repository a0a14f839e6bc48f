package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.load;
import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.config.TestFactories.FileConfig;
import io.stacklens.agent.config.TestFactories.FileFormat;
import io.stacklens.agent.config.TestFactories.Mode;
import io.stacklens.agent.config.TestFactories.OtlpConfig;
import io.stacklens.agent.config.TestFactories.SinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding YAML onto factory defaults: every supported field type, defaults, inherited settings. */
class ComponentBindingTest {
  private static final String PIPELINE =
      """
      service:
        pipelines:
          logs: { receivers: [otlp], processors: [sink], exporters: [file] }
      receivers:
        otlp:
      exporters:
        file: { path: /tmp/out }
      """;

  private static SinkConfig loadSink(String sinkYaml) {
    LoadResult result = load(PIPELINE + "processors:\n  sink:\n" + sinkYaml.indent(4));
    assertThat(printed(result)).isEmpty();
    return (SinkConfig) result.config().orElseThrow().processors().get(ComponentId.of("sink"));
  }

  @Test
  void bindsEveryScalarType() {
    SinkConfig sink =
        loadSink(
            """
            inherited: from-yaml
            text: hello
            flag: true
            boxed_flag: False
            count: -42
            boxed_count: 7
            big_count: 9000000000
            boxed_big_count: -1
            ratio: 0.25
            boxed_ratio: 3
            interval: 1m30s
            limit: 20MiB
            mode: safe_and_slow
            tls_ca: /etc/ca.pem
            """);

    assertThat(sink.inherited).isEqualTo("from-yaml");
    assertThat(sink.text).isEqualTo("hello");
    assertThat(sink.flag).isTrue();
    assertThat(sink.boxedFlag).isFalse();
    assertThat(sink.count).isEqualTo(-42);
    assertThat(sink.boxedCount).isEqualTo(7);
    assertThat(sink.bigCount).isEqualTo(9_000_000_000L);
    assertThat(sink.boxedBigCount).isEqualTo(-1L);
    assertThat(sink.ratio).isEqualTo(0.25);
    assertThat(sink.boxedRatio).isEqualTo(3.0);
    assertThat(sink.interval).isEqualTo(Duration.ofSeconds(90));
    assertThat(sink.limit).isEqualTo(ByteSize.ofMebibytes(20));
    assertThat(sink.mode).isEqualTo(Mode.SAFE_AND_SLOW);
    assertThat(sink.certificateAuthorityFile).isEqualTo("/etc/ca.pem");
  }

  @Test
  void bindsListsMapsAndNestedObjects() {
    SinkConfig sink =
        loadSink(
            """
            tags: [a, b]
            delays: [5s, 200ms]
            weights: { x: 1, y: 2 }
            target: { host: example.org }
            targets:
              - { host: one, port: 1 }
              - host: two
            named:
              primary: { port: 9 }
              empty:
            extra: { any: [1, two], nested: { k: v } }
            """);

    assertThat(sink.tags).containsExactly("a", "b");
    assertThat(sink.delays).containsExactly(Duration.ofSeconds(5), Duration.ofMillis(200));
    assertThat(sink.weights).containsExactly(Map.entry("x", 1), Map.entry("y", 2));
    assertThat(sink.target.host).isEqualTo("example.org");
    assertThat(sink.target.port).as("default of the nested object survives").isEqualTo(80);
    assertThat(sink.targets)
        .extracting(t -> t.host + ":" + t.port)
        .containsExactly("one:1", "two:80");
    assertThat(sink.named.get("primary").port).isEqualTo(9);
    assertThat(sink.named.get("primary").host).isEqualTo("localhost");
    assertThat(sink.named.get("empty").port).isEqualTo(80);
    assertThat(sink.extra)
        .containsEntry("any", List.of("1", "two"))
        .containsEntry("nested", Map.of("k", "v"));
  }

  @Test
  void componentWrittenWithoutSettingsKeepsEveryDefault() {
    LoadResult result = load(PIPELINE + "processors:\n  sink:\n");

    SinkConfig sink =
        (SinkConfig) result.config().orElseThrow().processors().get(ComponentId.of("sink"));
    SinkConfig defaults = new SinkConfig();
    assertThat(sink).usingRecursiveComparison().isEqualTo(defaults);
    OtlpConfig otlp =
        (OtlpConfig) result.config().orElseThrow().receivers().get(ComponentId.of("otlp"));
    assertThat(otlp.protocols.grpc.endpoint).isEqualTo("127.0.0.1:4317");
  }

  @Test
  void keyWrittenWithoutValueKeepsTheDefault() {
    SinkConfig sink =
        loadSink(
            """
            count:
            target:
            interval: ~
            """);

    assertThat(sink.count).isEqualTo(1);
    assertThat(sink.target.host).isEqualTo("localhost");
    assertThat(sink.interval).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void exporterHelperSettingsInheritedFromExporterConfigBind() {
    LoadResult result =
        load(
            """
            receivers: { otlp: }
            exporters:
              file:
                path: /tmp/out
                format: otlp_json
                timeout: 10s
                sending_queue: { queue_size: 50 }
                batch: { flush_timeout: 1s }
                retry_on_failure: { enabled: false, max_elapsed_time: 0 }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    FileConfig file =
        (FileConfig) result.config().orElseThrow().exporters().get(ComponentId.of("file"));
    assertThat(file.format).isEqualTo(FileFormat.OTLP_JSON);
    assertThat(file.timeout).isEqualTo(Duration.ofSeconds(10));
    assertThat(file.sendingQueue.queueSize).isEqualTo(50);
    assertThat(file.sendingQueue.numConsumers).isEqualTo(1);
    assertThat(file.batch.flushTimeout).isEqualTo(Duration.ofSeconds(1));
    assertThat(file.batch.minSize).isEqualTo(1000);
    assertThat(file.retryOnFailure.enabled).isFalse();
    assertThat(file.retryOnFailure.maxElapsedTime).isZero();
  }

  @Test
  void componentsKeepFileOrder() {
    LoadResult result =
        load(
            """
            receivers: { otlp: }
            exporters:
              file/b: { path: /b }
              debug:
              file/a: { path: /a }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file/a, file/b, debug] }
            """);

    assertThat(result.config().orElseThrow().exporters().keySet())
        .extracting(ComponentId::toString)
        .containsExactly("file/b", "debug", "file/a");
  }

  @Test
  void wrongTypesAreReportedPerValue() {
    LoadResult result =
        load(
            PIPELINE
                + """
                processors:
                  sink:
                    flag: yes
                    ratio: half
                    big_count: 99999999999999999999
                    count: 3000000000
                    limit: 20 potatoes
                    tags: a
                    target: [x]
                    text: { a: 1 }
                    delays: [5s, ~]
                """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:10:11: processors.sink.flag: expected true or false, got 'yes'",
            "agent.yaml:11:12: processors.sink.ratio: expected a number, got 'half'",
            "agent.yaml:12:16: processors.sink.big_count: expected an integer between -9223372036854775808 and"
                + " 9223372036854775807, got '99999999999999999999'",
            "agent.yaml:13:12: processors.sink.count: expected an integer between -2147483648 and 2147483647,"
                + " got '3000000000'",
            "agent.yaml:14:12: processors.sink.limit: '20 potatoes' is not a size; use a number of bytes or a"
                + " unit: 512KiB, 20MiB, 1GiB, 10MB",
            "agent.yaml:15:11: processors.sink.tags: expected a list, e.g. [a, b], got 'a'",
            "agent.yaml:16:13: processors.sink.target: expected a mapping, got a list",
            "agent.yaml:17:11: processors.sink.text: expected a string, got a mapping",
            "agent.yaml:18:18: processors.sink.delays[1]: expected a duration such as 5s, 200ms or 1m30s, got"
                + " nothing");
  }

  @Test
  void serviceDefaultsApplyWhenNotWritten() {
    LoadResult result = load(PIPELINE + "processors:\n  sink:\n");

    ServiceConfig service = result.config().orElseThrow().service();
    assertThat(service.telemetry().endpoint()).isEqualTo("127.0.0.1:8888");
    assertThat(service.telemetry().logs().level()).isEqualTo("info");
    assertThat(service.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    PipelineConfig logs = service.pipelines().get(PipelineId.parse("logs"));
    assertThat(logs.ringSize()).isEqualTo(256);
    assertThat(logs.waitStrategy()).isEqualTo(WaitStrategy.PARK);
    assertThat(logs.receivers()).containsExactly(ComponentId.of("otlp"));
    assertThat(logs.processors()).containsExactly(ComponentId.of("sink"));
    assertThat(logs.exporters()).containsExactly(ComponentId.of("file"));
  }

  @Test
  void serviceOptionsBind() {
    LoadResult result =
        load(
            """
            receivers: { otlp: }
            exporters: { file: { path: /tmp/out } }
            service:
              telemetry: { endpoint: "0.0.0.0:9999", logs: { level: debug, loggers: { io.netty: debug, org.apache.kafka: info } } }
              shutdown_timeout: 1m
              pipelines:
                logs/audit: { receivers: [otlp], exporters: [file], ring_size: 65536, wait_strategy: busy_spin }
                traces: { receivers: [otlp], exporters: [file], wait_strategy: yield }
            """);

    ServiceConfig service = result.config().orElseThrow().service();
    assertThat(service.telemetry.endpoint).isEqualTo("0.0.0.0:9999");
    assertThat(service.telemetry.logs.level).isEqualTo("debug");
    assertThat(service.telemetry.logs.loggers)
        .containsExactly(entry("io.netty", "debug"), entry("org.apache.kafka", "info"));
    assertThat(service.shutdownTimeout).isEqualTo(Duration.ofMinutes(1));
    assertThat(service.pipelines.keySet())
        .extracting(PipelineId::toString)
        .containsExactly("logs/audit", "traces");
    PipelineConfig audit = service.pipelines.get(PipelineId.parse("logs/audit"));
    assertThat(audit.ringSize).isEqualTo(65536);
    assertThat(audit.waitStrategy).isEqualTo(WaitStrategy.BUSY_SPIN);
    assertThat(service.pipelines.get(PipelineId.parse("traces")).waitStrategy)
        .isEqualTo(WaitStrategy.YIELD);
  }
}
