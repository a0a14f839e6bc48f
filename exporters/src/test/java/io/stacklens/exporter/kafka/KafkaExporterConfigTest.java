package io.stacklens.exporter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.StubFactories;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The kafka exporter's config: defaults, and errors reported by their YAML path and line. */
class KafkaExporterConfigTest {
  private static LoadResult load(String exporterYaml) {
    String yaml =
        "receivers:\n  otlp: {}\nexporters:\n  kafka:\n"
            + exporterYaml.indent(4)
            + "service:\n  pipelines:\n    logs: { receivers: [otlp], exporters: [kafka] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(StubFactories.receiver("otlp"), new KafkaExporterFactory());
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  private static List<String> errors(String exporterYaml) {
    return load(exporterYaml).errors().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void minimalConfigLoadsWithTheDefaults() {
    LoadResult r = load("brokers: [127.0.0.1:9092]");
    assertThat(r.errors()).isEmpty();
    KafkaExporterConfig c = new KafkaExporterFactory().createDefaultConfig();
    assertThat(c.encoding).isEqualTo(KafkaEncoding.OTLP_PROTO);
    assertThat(c.maxMessageBytes.bytes()).isEqualTo(1024 * 1024);
    assertThat(c.compression).isEqualTo(KafkaCompression.NONE);
    assertThat(c.topicFor(Signal.LOGS)).isEqualTo("otlp_logs");
    assertThat(c.topicFor(Signal.TRACES)).isEqualTo("otlp_spans");
    assertThat(c.topicFor(Signal.METRICS)).isEqualTo("otlp_metrics");
    c.topic = "all";
    c.traces.topic = "spans";
    assertThat(c.topicFor(Signal.LOGS)).isEqualTo("all");
    assertThat(c.topicFor(Signal.TRACES)).isEqualTo("spans");
  }

  @Test
  void producerDefaultsAreSafeAndTheUsersMapOverridesThem() {
    KafkaExporterConfig c = new KafkaExporterFactory().createDefaultConfig();
    c.brokers = List.of("a:1", "b:2");
    c.compression = KafkaCompression.ZSTD;
    c.producer = Map.of("linger.ms", "50", "security.protocol", "SSL");
    Properties p = KafkaExporter.producerProperties(c, "id");
    assertThat(p)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("linger.ms", "50")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("bootstrap.servers", "a:1,b:2")
        .containsEntry("compression.type", "zstd")
        .containsEntry("max.request.size", "1048576");
  }

  @Test
  void badEncodingIsReportedAtItsKey() {
    assertThat(errors("brokers: [127.0.0.1:9092]\nencoding: avro"))
        .singleElement()
        .asString()
        .contains("exporters.kafka.encoding")
        .contains("agent.yaml:6");
  }

  @Test
  void encodingRawCarriesLogsOnlyReportedAtThePipelineEntry() {
    String yaml =
        """
        receivers:
          otlp: {}
        exporters:
          kafka/raw: { brokers: [127.0.0.1:9092], encoding: raw }
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [kafka/raw] }
            traces: { receivers: [otlp], exporters: [kafka/raw] }
        """;
    ComponentRegistry registry =
        ComponentRegistry.of(StubFactories.receiver("otlp"), new KafkaExporterFactory());
    LoadResult r = new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
    assertThat(r.problems())
        .map(ConfigProblem::toString)
        .containsExactly(
            "agent.yaml:8:46: service.pipelines.traces.exporters[0]: exporter 'kafka/raw' does not support traces with"
                + " encoding raw, which carries logs only; use otlp_proto, otlp_json or json for traces");
  }

  @Test
  void encodingRawTakesNoHeadersFromAttributesAsEveryAttributeIsAHeader() {
    assertThat(
            errors("brokers: [127.0.0.1:9092]\nencoding: raw\nheaders_from_attributes: [tenant]"))
        .singleElement()
        .asString()
        .isEqualTo(
            "agent.yaml:7:5: exporters.kafka.headers_from_attributes: with encoding raw every attribute is"
                + " a header already; remove it");
  }

  @Test
  void emptyBrokersAreAnError() {
    assertThat(errors("brokers: []"))
        .singleElement()
        .asString()
        .contains("exporters.kafka.brokers")
        .contains("is required");
    assertThat(errors("topic: x")).singleElement().asString().contains("exporters.kafka.brokers");
  }

  @Test
  void badPartitionByBrokerAndTopicsAreReportedEachAtItsPath() {
    List<String> errors =
        errors(
            "brokers: [127.0.0.1:9092, nohost]\npartition_by: tenant\n"
                + "topic: 'bad topic'\ndead_letter: { topic: 'a/b' }\ntopic_from_attribute: 'attributes[x'\n"
                + "headers_from_attributes: ['resource.attributes[\"x']\nproducer: { bootstrap.servers: x }\nmax_message_bytes: 10");
    assertThat(String.join("\n", errors))
        .contains("exporters.kafka.brokers[1]: must be host:port")
        .contains(
            "exporters.kafka.partition_by: must be none, trace_id, attribute:<key> or resource:<key>, got 'tenant'")
        .contains("exporters.kafka.topic: is not a valid Kafka topic name")
        .contains("exporters.kafka.dead_letter.topic: unknown key 'topic'")
        .contains("exporters.kafka.topic_from_attribute: must be")
        .contains("exporters.kafka.headers_from_attributes[0]: must be")
        .contains(
            "exporters.kafka.producer.bootstrap.servers: is set by the exporter (use brokers)")
        .contains("exporters.kafka.max_message_bytes: must be between 1KiB and 1GiB");
    assertThat(errors).hasSize(8);
  }

  @Test
  void aSignalsTopicIsReportedAtItsKey() {
    assertThat(errors("brokers: [127.0.0.1:9092]\nlogs: { topic: 'a b' }"))
        .containsExactly(
            "agent.yaml:6:13: exporters.kafka.logs.topic: is not a valid Kafka topic name (1-249 of a-z A-Z 0-9 . _ -): 'a b'");
  }

  @Test
  void partitionByForms() {
    assertThat(PartitionBy.parse("none")).isEqualTo(PartitionBy.NONE);
    assertThat(PartitionBy.parse("trace_id").kind()).isEqualTo(PartitionBy.Kind.TRACE_ID);
    assertThat(PartitionBy.parse("attribute:tenant").field())
        .isEqualTo(new FieldRef(false, "tenant"));
    assertThat(PartitionBy.parse("resource:service.name").field())
        .isEqualTo(new FieldRef(true, "service.name"));
    assertThat(PartitionBy.parse("attribute:")).isNull();
    assertThat(FieldRef.parse("resource.attributes[\"k8s.ns\"]"))
        .isEqualTo(new FieldRef(true, "k8s.ns"));
    assertThat(FieldRef.parse("attributes[\"t\"]")).isEqualTo(new FieldRef(false, "t"));
    assertThat(FieldRef.parse("tenant")).isEqualTo(new FieldRef(false, "tenant"));
  }
}
