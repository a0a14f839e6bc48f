package io.stacklens.receiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.StubFactories;
import io.stacklens.receiver.json.JsonMappingConfig.TimestampFormat;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.InitialOffset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Defaults, binding from YAML and validation through the real config loader. */
class KafkaReceiverConfigTest {
  private static final Consumer ACCEPT = batch -> io.stacklens.agent.api.Admission.ACCEPTED;

  private static LoadResult load(String receiverYaml) {
    return load(receiverYaml, "exporters: { debug: }\n", "logs");
  }

  /**
   * The receiver {@code kafka} with {@code receiverYaml}, in a {@code signal} pipeline exporting to
   * {@code debug}.
   */
  private static LoadResult load(String receiverYaml, String exportersYaml, String signal) {
    String yaml =
        "receivers:\n  kafka:\n"
            + receiverYaml.indent(4)
            + exportersYaml
            + "service:\n  pipelines:\n    "
            + signal
            + ": { receivers: [kafka], exporters: [debug] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(
            new KafkaReceiverFactory(),
            StubFactories.exporter("debug"),
            StubFactories.exporter("kafka"),
            tracesOnly("zipkin"));
    return new ConfigLoader(registry, Map.of("KAFKA_BROKERS", "k1:9092,k2:9093"))
        .loadString(yaml, "agent.yaml");
  }

  /** An exporter type that takes traces only. */
  private static io.stacklens.agent.api.ExporterFactory<io.stacklens.agent.api.ExporterConfig>
      tracesOnly(String type) {
    var all = StubFactories.exporter(type);
    return new io.stacklens.agent.api.ExporterFactory<>() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public Class<io.stacklens.agent.api.ExporterConfig> configClass() {
        return all.configClass();
      }

      @Override
      public io.stacklens.agent.api.ExporterConfig createDefaultConfig() {
        return all.createDefaultConfig();
      }

      @Override
      public io.stacklens.agent.api.Stability stability() {
        return all.stability();
      }

      @Override
      public java.util.Set<Signal> signals() {
        return java.util.Set.of(Signal.TRACES);
      }

      @Override
      public io.stacklens.agent.api.Exporter createExporter(
          ComponentContext context, io.stacklens.agent.api.ExporterConfig config) throws Exception {
        return all.createExporter(context, config);
      }
    };
  }

  private static List<String> printed(LoadResult r) {
    return r.problems().stream().map(Object::toString).toList();
  }

  private static KafkaReceiverConfig config(LoadResult r) {
    assertThat(r.problems()).isEmpty();
    return (KafkaReceiverConfig)
        r.config().orElseThrow().components(ComponentKind.RECEIVER).get(ComponentId.of("kafka"));
  }

  private static List<String> messages(LoadResult r) {
    return r.problems().stream()
        .map(p -> p.path() + " (" + p.line() + "): " + p.message())
        .toList();
  }

  @Test
  void theFactoryIsFoundByTheServiceLoader() {
    Factory<?> factory =
        ServiceLoader.load(Factory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.kind() == ComponentKind.RECEIVER && f.type().equals("kafka"))
            .findFirst()
            .orElseThrow();
    assertThat(factory).isInstanceOf(KafkaReceiverFactory.class);
    assertThat(factory.configClass()).isEqualTo(KafkaReceiverConfig.class);
  }

  @Test
  void defaults() {
    KafkaReceiverConfig c = config(load("topics: [otel-logs]"));
    assertThat(c.brokers).containsExactly("127.0.0.1:9092");
    assertThat(c.groupId).isEqualTo("stacklens");
    assertThat(c.encoding).isEqualTo(Encoding.OTLP_PROTO);
    assertThat(c.initialOffset).isEqualTo(InitialOffset.LATEST);
    assertThat(c.includeMetadata).isTrue();
    assertThat(c.consumers).isEqualTo(1);
    assertThat(c.maxPollRecords).isEqualTo(500);
    assertThat(c.pollTimeout).isEqualTo(Duration.ofMillis(500));
    assertThat(c.commitInterval).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.backoff.initialInterval).isEqualTo(Duration.ofMillis(10));
    assertThat(c.backoff.maxInterval).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.deadLetterExporter()).isNull();
    assertThat(c.consumer).isEmpty();
  }

  @Test
  void everyOptionBinds() {
    KafkaReceiverConfig c =
        config(
            load(
                """
        brokers: ["${env:KAFKA_BROKERS}"]
        topics: [a, b.c]
        group_id: agents
        encoding: json
        initial_offset: earliest
        include_metadata: false
        consumers: 3
        max_poll_records: 100
        poll_timeout: 200ms
        commit_interval: 0s
        backoff: { initial_interval: 5ms, max_interval: 2s }
        dead_letter: { exporter: kafka/raw_dlq }
        consumer: { security.protocol: SSL, fetch.min.bytes: 1024 }
        mapping: { timestamp_format: epoch_ms, body_fields: [msg] }
        """,
                "exporters: { debug: , kafka/raw_dlq: }\n",
                "logs"));
    assertThat(c.bootstrapServers()).containsExactly("k1:9092", "k2:9093");
    assertThat(c.topics).containsExactly("a", "b.c");
    assertThat(c.encoding).isEqualTo(Encoding.JSON);
    assertThat(c.initialOffset).isEqualTo(InitialOffset.EARLIEST);
    assertThat(c.includeMetadata).isFalse();
    assertThat(c.consumers).isEqualTo(3);
    assertThat(c.maxPollRecords).isEqualTo(100);
    assertThat(c.commitInterval).isZero();
    assertThat(c.backoff.maxInterval).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.deadLetterExporter()).isEqualTo(ComponentId.parse("kafka/raw_dlq"));
    assertThat(c.consumer)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("fetch.min.bytes", "1024");
    assertThat(c.mapping.timestampFormat).isEqualTo(TimestampFormat.EPOCH_MS);
    assertThat(c.mapping.bodyFields).containsExactly("msg");

    var props = ConsumerWorker.consumerProperties(c, "kafka-0");
    assertThat(props)
        .containsEntry("bootstrap.servers", "k1:9092,k2:9093")
        .containsEntry("group.id", "agents")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("auto.offset.reset", "earliest")
        .containsEntry("max.poll.records", "100")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void reportsEveryProblemWithItsYamlPath() {
    LoadResult r =
        load(
            """
        brokers: [localhost, "k1:x", "k2:9092,k3"]
        topics: [ok, "bad topic"]
        group_id: ""
        consumers: 0
        max_poll_records: 0
        poll_timeout: 0s
        commit_interval: -1s
        backoff: { initial_interval: 1s, max_interval: 10ms }
        consumer: { enable.auto.commit: "true", group.id: other }
        """);
    assertThat(messages(r))
        .containsExactlyInAnyOrder(
            "receivers.kafka.brokers[0] (3): 'localhost' is not host:port, e.g. 127.0.0.1:9092",
            "receivers.kafka.brokers[1] (3): 'k1:x': port 'x' is not a number",
            "receivers.kafka.brokers[2] (3): 'k3' is not host:port, e.g. 127.0.0.1:9092",
            "receivers.kafka.topics[1] (4): 'bad topic' is not a valid topic name: 1..249 characters of letters, digits, '.', '_', '-'",
            "receivers.kafka.group_id (5): must not be empty",
            "receivers.kafka.consumers (6): must be between 1 and 64, got 0",
            "receivers.kafka.max_poll_records (7): must be at least 1, got 0",
            "receivers.kafka.poll_timeout (8): must be positive, got 0s",
            "receivers.kafka.commit_interval (9): expected a duration such as 5s, 200ms, 1m30s or 1h, got '-1s'",
            "receivers.kafka.backoff.max_interval (10): must be greater than or equal to initial_interval (1s)",
            "receivers.kafka.consumer.enable.auto.commit (11): is set by the receiver; offsets are committed only after the pipeline accepted the records",
            "receivers.kafka.consumer.group.id (11): is set by the receiver; use group_id");
  }

  @Test
  void theDeadLetterExporterMustBeDefinedAndTakeLogsAndIsReportedAtItsLine() {
    assertThat(printed(load("topics: [t]\ndead_letter: { exporter: kafka/dlx }")))
        .containsExactly(
            "agent.yaml:4:20: receivers.kafka.dead_letter.exporter: exporter 'kafka/dlx' is not defined under exporters"
                + " (defined: debug); define it, e.g. exporters: { kafka/dlx: {...} }");
    assertThat(
            printed(
                load(
                    "topics: [t]\ndead_letter: { exporter: zipkin }",
                    "exporters: { debug: , zipkin: }\n",
                    "traces")))
        .containsExactly(
            "agent.yaml:4:20: receivers.kafka.dead_letter.exporter: exporter 'zipkin' does not support logs, which"
                + " receiver 'kafka' sends to its dead letter (supported: traces)");
    assertThat(
            printed(
                load(
                    "topics: [t]\ndead_letter: { exporter: kafka/raw_dlq }",
                    "exporters: { debug: , kafka/raw_dlq: { dead_letter: { exporter: debug } } }\n",
                    "logs")))
        .singleElement()
        .asString()
        .startsWith(
            "agent.yaml:4:20: receivers.kafka.dead_letter.exporter: exporter 'kafka/raw_dlq' has a dead_letter"
                + " of its own");
  }

  @Test
  void theOldDeadLetterTopicIsAnUnknownKeyAtItsLine() {
    assertThat(printed(load("topics: [t]\ndead_letter: { topic: t-dlq }")))
        .singleElement()
        .asString()
        .startsWith(
            "agent.yaml:4:20: receivers.kafka.dead_letter.topic: unknown key 'topic' (known keys: exporter)");
  }

  @Test
  void aLogsOnlyEncodingInATracesPipelineIsAnErrorAtThePipelinesEntry() {
    assertThat(printed(load("topics: [t]\nencoding: text", "exporters: { debug: }\n", "traces")))
        .containsExactly(
            "agent.yaml:8:27: service.pipelines.traces.receivers[0]: receiver 'kafka' does not support traces with"
                + " encoding text, which carries logs only; use otlp_proto or otlp_json for traces");
  }

  @Test
  void topicsAreRequiredAndTheMappingIsCheckedForJson() {
    assertThat(messages(load("brokers: []")))
        .contains(
            "receivers.kafka.topics (2): is required: the topics to read, e.g. [otel-logs]",
            "receivers.kafka.brokers (3): is required: at least one host:port of a Kafka broker");
    assertThat(messages(load("topics: [t]\nencoding: json\nmapping: { timestamp_field: level }")))
        .anySatisfy(m -> assertThat(m).startsWith("receivers.kafka.mapping."));
    assertThat(messages(load("topics: [t]\nencoding: protobuf")))
        .singleElement()
        .asString()
        .startsWith("receivers.kafka.encoding (4):")
        .contains("otlp_proto");
  }

  /**
   * The file exporter's options, for loading the examples in this module (which has no exporters).
   */
  public static class FileSettings extends io.stacklens.agent.api.ExporterConfig {
    public String path;
    public String format;
  }

  /** The kafka exporter's options the examples use (their raw dead-letter exporters). */
  public static class KafkaSettings extends io.stacklens.agent.api.ExporterConfig {
    public List<String> brokers;
    public String topic;
    public String encoding;
  }

  @Test
  void theConfigExamplesLoadWithoutProblems() throws Exception {
    ComponentRegistry registry =
        ComponentRegistry.of(
            new KafkaReceiverFactory(),
            StubFactories.exporter(
                "file",
                FileSettings.class,
                FileSettings::new,
                c -> {
                  throw new UnsupportedOperationException();
                }),
            StubFactories.exporter(
                "kafka",
                KafkaSettings.class,
                KafkaSettings::new,
                c -> {
                  throw new UnsupportedOperationException();
                }));
    java.nio.file.Path examples = java.nio.file.Path.of("..", "config-examples");
    for (String name : List.of("kafka-receiver.yaml", "kafka-receiver-json.yaml")) {
      LoadResult r =
          new ConfigLoader(registry, Map.of()).load(List.of(examples.resolve(name)), List.of());
      assertThat(messages(r)).as(name).isEmpty();
    }
  }

  @Test
  void oneReceiverFeedsOneSignalAndTextCarriesLogsOnly() {
    KafkaReceiverFactory factory = new KafkaReceiverFactory();
    ComponentContext context =
        ComponentContext.of(ComponentId.of("kafka"), ComponentKind.RECEIVER, new MetricsRegistry());
    KafkaReceiverConfig config = factory.createDefaultConfig();
    config.topics = List.of("t");
    assertThatThrownBy(
            () ->
                factory.createReceiver(
                    context, config, Map.of(Signal.LOGS, ACCEPT, Signal.TRACES, ACCEPT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("define one receiver per signal");
    config.encoding = Encoding.TEXT;
    assertThatThrownBy(
            () -> factory.createReceiver(context, config, Map.of(Signal.METRICS, ACCEPT)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "encoding text carries logs only, but the receiver is in a metrics pipeline; "
                + "use otlp_proto or otlp_json for metrics");
  }
}
