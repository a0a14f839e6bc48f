package io.stacklens.receiver.kafka;

import static io.stacklens.receiver.kafka.KafkaTestSupport.config;
import static io.stacklens.receiver.kafka.KafkaTestSupport.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.testing.CollectingConsumer;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** Each encoding against the real broker: what is produced is what the pipeline gets. */
class KafkaReceiverEncodingsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KafkaBroker kafka = KafkaBroker.shared();

  @Test
  void textMessagesBecomeLogRecordsWithKafkaMetadata() throws Exception {
    String topic = topic(kafka, "text", 1);
    List<RecordMetadata> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
      sent.add(
          producer
              .send(
                  new ProducerRecord<>(
                      topic, 0, 1_700_000_000_123L, bytes("user-7"), bytes("GET /cart 200")))
              .get());
      sent.add(
          producer
              .send(new ProducerRecord<>(topic, 0, 1_700_000_000_456L, null, bytes("héllo wörld")))
              .get());
    }
    KafkaReceiverConfig config = config(kafka, topic);
    config.encoding = Encoding.TEXT;
    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == 2);
      List<io.stacklens.agent.data.LogRecord> records = r.consumer.logRecords();
      assertThat(r.consumer.bodies()).containsExactly("GET /cart 200", "héllo wörld");

      io.stacklens.agent.data.LogRecord first = records.get(0);
      assertThat(first.timeUnixNano()).isEqualTo(1_700_000_000_123L * 1_000_000L);
      assertThat(first.observedTimeUnixNano()).isPositive();
      assertThat(first.attributes())
          .isEqualTo(
              Attributes.of(
                  "messaging.system",
                  "kafka",
                  "messaging.destination.name",
                  topic,
                  "messaging.destination.partition.id",
                  "0",
                  "messaging.kafka.offset",
                  sent.get(0).offset(),
                  "messaging.kafka.message.key",
                  "user-7",
                  "messaging.consumer.group.name",
                  config.groupId));
      // no key: no key attribute
      assertThat(records.get(1).attributes().contains("messaging.kafka.message.key")).isFalse();
      assertThat(records.get(1).attributes().get("messaging.kafka.offset"))
          .isEqualTo(sent.get(1).offset());
      assertThat(r.counter(KafkaReceiverMetrics.ACCEPTED, "signal", "logs", "transport", "kafka"))
          .isEqualTo(2);
    }
  }

  @Test
  void metadataCanBeLeftOut() {
    String topic = topic(kafka, "text-plain", 1);
    KafkaTestSupport.produceText(kafka, topic, 0, List.of("a", "b", "c"));
    KafkaReceiverConfig config = config(kafka, topic);
    config.encoding = Encoding.TEXT;
    config.includeMetadata = false;
    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == 3);
      assertThat(r.consumer.bodies()).containsExactly("a", "b", "c");
      assertThat(r.consumer.logRecords())
          .allSatisfy(rec -> assertThat(rec.attributes().isEmpty()).isTrue());
    }
  }

  @Test
  void otlpProtobufLogsArriveAsSent() {
    ExportLogsServiceRequest request = logsRequest("proto");
    String topic = topic(kafka, "otlp-proto", 1);
    KafkaTestSupport.produce(
        kafka, topic, List.of(request.toByteArray(), logsRequest("second").toByteArray()));
    KafkaReceiverConfig config = config(kafka, topic);
    config.includeMetadata = false;
    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == 6);
      assertSameLogs(r.consumer, request, logsRequest("second"));
    }
  }

  @Test
  void otlpJsonLogsArriveAsSentWithMetadataAdded() {
    ExportLogsServiceRequest request = logsRequest("json");
    String topic = topic(kafka, "otlp-json", 1);
    KafkaTestSupport.produce(kafka, topic, List.of(OtlpJson.toJsonBytes(request)));
    KafkaReceiverConfig config = config(kafka, topic);
    config.encoding = Encoding.OTLP_JSON;
    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == 3);
      List<io.stacklens.agent.data.LogRecord> got = r.consumer.logRecords();
      assertThat(got)
          .allSatisfy(
              rec -> {
                assertThat(rec.attributes().get("messaging.destination.name")).isEqualTo(topic);
                assertThat(rec.attributes().get("messaging.kafka.offset")).isEqualTo(0L);
                // the producer's own attribute is still there
                assertThat(rec.attributes().get("user")).isEqualTo("ada");
              });
      // without the metadata, the records are exactly what was sent
      for (io.stacklens.agent.data.LogRecord rec : got) {
        for (String key :
            List.of(
                KafkaMetadata.SYSTEM,
                KafkaMetadata.TOPIC,
                KafkaMetadata.PARTITION,
                KafkaMetadata.OFFSET,
                KafkaMetadata.GROUP)) {
          rec.attributes().remove(key);
        }
      }
      assertSameLogs(r.consumer, request);
      assertThat(r.consumer.batches.get(0)).isInstanceOf(io.stacklens.agent.data.LogsBatch.class);
    }
  }

  @Test
  void otlpTracesAndMetricsArriveAsSent() {
    ExportTraceServiceRequest traces = tracesRequest();
    ExportMetricsServiceRequest metrics = metricsRequest();
    String tracesTopic = topic(kafka, "otlp-traces", 1);
    String metricsTopic = topic(kafka, "otlp-metrics", 1);
    KafkaTestSupport.produce(kafka, tracesTopic, List.of(traces.toByteArray()));
    KafkaTestSupport.produce(kafka, metricsTopic, List.of(OtlpJson.toJsonBytes(metrics)));

    KafkaReceiverConfig tracesConfig = config(kafka, tracesTopic);
    KafkaReceiverConfig metricsConfig = config(kafka, metricsTopic);
    metricsConfig.encoding = Encoding.OTLP_JSON;
    try (RunningReceiver t =
            new RunningReceiver(tracesConfig, Signal.TRACES, new CollectingConsumer(), "traces");
        RunningReceiver m =
            new RunningReceiver(
                metricsConfig, Signal.METRICS, new CollectingConsumer(), "metrics")) {
      await().atMost(WAIT).until(() -> t.consumer.records() == 2 && m.consumer.records() == 3);
      Batch tb = t.consumer.batches.get(0);
      Batch mb = m.consumer.batches.get(0);
      assertThat(((TracesBatch) tb).toRequest()).isEqualTo(traces);
      assertThat(((MetricsBatch) mb).toRequest()).isEqualTo(metrics);
      assertThat(t.counter(KafkaReceiverMetrics.ACCEPTED, "signal", "traces")).isEqualTo(2);
      assertThat(m.counter(KafkaReceiverMetrics.ACCEPTED, "signal", "metrics")).isEqualTo(3);
    }
  }

  @Test
  void jsonObjectsAreMappedToLogRecords() throws Exception {
    String topic = topic(kafka, "json", 1);
    KafkaTestSupport.produce(
        kafka,
        topic,
        List.of(
            bytes(
                "{\"timestamp\":\"2026-11-23T19:50:41.5Z\",\"level\":\"warn\",\"message\":\"disk 91%\",\"service\":\"db\",\"host\":\"h1\"}"),
            bytes("{\"level\":\"info\",\"msg\":\"no service\"}"),
            bytes("[1,2]"),
            bytes("{\"level\":\"error\",\"message\":\"no time\",\"service\":\"db\"}")));
    KafkaReceiverConfig config = config(kafka, topic);
    config.encoding = Encoding.JSON;
    config.mapping.bodyFields = List.of("message", "msg");
    config.mapping.required = List.of(required("service"));
    try (DeadLetterExporter dlq = new DeadLetterExporter(8).start();
        RunningReceiver r = new RunningReceiver(config, dlq)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == 2);
      assertThat(r.consumer.bodies()).containsExactly("disk 91%", "no time");
      io.stacklens.agent.data.LogsBatch batch =
          (io.stacklens.agent.data.LogsBatch) r.consumer.batches.get(0);
      assertThat(batch.resourceLogs()).hasSize(1);
      assertThat(batch.resourceLogs().get(0).resource().attributes().get("service.name"))
          .isEqualTo("db");
      io.stacklens.agent.data.LogRecord first = r.consumer.logRecords().get(0);
      assertThat(first.severityNumber()).isEqualTo(13);
      assertThat(first.timeUnixNano())
          .isEqualTo(java.time.Instant.parse("2026-11-23T19:50:41.5Z").toEpochMilli() * 1_000_000L);
      assertThat(first.attributes().get("host")).isEqualTo("h1");
      assertThat(first.attributes().get(KafkaMetadata.OFFSET)).isEqualTo(0L);
      // no time of its own: the message's Kafka timestamp
      assertThat(r.consumer.logRecords().get(1).timeUnixNano()).isPositive();

      await().atMost(WAIT).until(() -> dlq.delivered().size() == 2);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "invalid_record")).isEqualTo(1);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "invalid_json")).isEqualTo(1);
      List<DeadLetterExporter.Delivered> dead = dlq.delivered();
      assertThat(dead)
          .extracting(d -> d.resource().get(io.stacklens.agent.api.DeadLetters.ERROR_REASON))
          .containsExactly("invalid_record", "invalid_json");
      assertThat(
              (String) dead.get(0).resource().get(io.stacklens.agent.api.DeadLetters.ERROR_MESSAGE))
          .contains("service");
      assertThat((byte[]) dead.get(1).record().body()).isEqualTo(bytes("[1,2]"));
    }
  }

  private static io.stacklens.receiver.json.JsonMappingConfig.RequiredField required(String field) {
    io.stacklens.receiver.json.JsonMappingConfig.RequiredField f =
        new io.stacklens.receiver.json.JsonMappingConfig.RequiredField();
    f.field = field;
    return f;
  }

  private static void assertSameLogs(
      CollectingConsumer consumer, ExportLogsServiceRequest... sent) {
    List<io.stacklens.agent.data.LogRecord> expected = new ArrayList<>();
    for (ExportLogsServiceRequest s : sent) OtlpLogs.fromProto(s).forEachRecord(expected::add);
    List<io.stacklens.agent.data.LogRecord> got = consumer.logRecords();
    assertThat(got).hasSameSizeAs(expected);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i).sameAs(expected.get(i)))
          .as("record %d: %s vs %s", i, got.get(i), expected.get(i))
          .isTrue();
    }
    // resource and scope survive too
    io.stacklens.agent.data.LogsBatch first =
        (io.stacklens.agent.data.LogsBatch) consumer.batches.get(0);
    assertThat(first.resourceLogs().get(0).resource().attributes().get("service.name"))
        .isEqualTo("checkout");
    assertThat(first.resourceLogs().get(0).scopeLogs().get(0).scope().name()).isEqualTo("app");
  }

  static ExportLogsServiceRequest logsRequest(String tag) {
    ScopeLogs.Builder scope =
        ScopeLogs.newBuilder()
            .setScope(
                io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder()
                    .setName("app")
                    .setVersion("1.2"));
    for (int i = 0; i < 3; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setSeverityNumberValue(9 + i)
              .setSeverityText("INFO")
              .setBody(AnyValue.newBuilder().setStringValue(tag + " line " + i))
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("user")
                      .setValue(AnyValue.newBuilder().setStringValue("ada")))
              .setTraceId(
                  ByteString.copyFrom(
                      new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) i}))
              .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i})));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource()).addScopeLogs(scope))
        .build();
  }

  private static Resource resource() {
    return Resource.newBuilder()
        .addAttributes(
            KeyValue.newBuilder()
                .setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue("checkout")))
        .build();
  }

  private static ExportTraceServiceRequest tracesRequest() {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 1; i <= 2; i++) {
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(
                  ByteString.copyFrom(
                      new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, (byte) i}))
              .setSpanId(ByteString.copyFrom(new byte[] {2, 2, 2, 2, 2, 2, 2, (byte) i}))
              .setName("GET /cart " + i)
              .setStartTimeUnixNano(1_700_000_000_000_000_000L)
              .setEndTimeUnixNano(1_700_000_000_100_000_000L));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource()).addScopeSpans(scope))
        .build();
  }

  private static ExportMetricsServiceRequest metricsRequest() {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < 3; i++) {
      gauge.addDataPoints(
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setAsDouble(0.5 * i));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource())
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(Metric.newBuilder().setName("cpu").setGauge(gauge))))
        .build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
