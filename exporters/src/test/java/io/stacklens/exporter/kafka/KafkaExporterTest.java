package io.stacklens.exporter.kafka;

import static io.stacklens.exporter.kafka.KafkaTestData.config;
import static io.stacklens.exporter.kafka.KafkaTestData.context;
import static io.stacklens.exporter.kafka.KafkaTestData.oneRecord;
import static io.stacklens.exporter.kafka.KafkaTestData.soon;
import static io.stacklens.exporter.kafka.KafkaTestData.uniqueTopic;
import static io.stacklens.exporter.kafka.KafkaTestData.varied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.config.ConfigValidator;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The kafka exporter against a real broker (the shared one; every test has its own topics). */
class KafkaExporterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KafkaBroker kafka = KafkaBroker.shared();
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final List<KafkaExporter> started = new ArrayList<>();

  @AfterEach
  void stopExporters() throws Exception {
    for (KafkaExporter e : started) e.shutdown(soon());
  }

  private KafkaExporter start(KafkaExporterConfig c) {
    assertThat(ConfigValidator.problemsOf(c)).isEmpty();
    KafkaExporter e = new KafkaExporter(context(metrics), c);
    e.start(new KafkaTestData.RecordingHost());
    started.add(e);
    return e;
  }

  private List<ConsumerRecord<byte[], byte[]>> consume(String topic, int atLeast) {
    return kafka.consume(topic, atLeast, WAIT);
  }

  // ---------------------------------------------------------------- encodings round-trip

  @Test
  void otlpProtoRoundTripsEveryRecordFieldByField() throws Exception {
    String topic = uniqueTopic("proto");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.encoding = KafkaEncoding.OTLP_PROTO;
    LogsBatch pushed = varied(60, "p");
    start(c).push(pushed);

    List<ConsumerRecord<byte[], byte[]>> got = consume(topic, 1);
    List<LogsBatch> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : got)
      decoded.add(OtlpLogs.fromProto(ExportLogsServiceRequest.parseFrom(r.value())));
    assertSameRecords(decoded, pushed);
  }

  @Test
  void otlpJsonRoundTripsEveryRecordFieldByField() throws Exception {
    String topic = uniqueTopic("otlpjson");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.encoding = KafkaEncoding.OTLP_JSON;
    LogsBatch pushed = varied(60, "j");
    start(c).push(pushed);

    List<LogsBatch> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consume(topic, 1))
      decoded.add(OtlpLogs.fromProto(OtlpJson.parseLogs(r.value())));
    assertSameRecords(decoded, pushed);
  }

  @Test
  void jsonIsOneFlatObjectPerRecordPerMessage() throws Exception {
    String topic = uniqueTopic("json");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.encoding = KafkaEncoding.JSON;
    LogsBatch pushed = varied(30, "f");
    start(c).push(pushed);

    List<ConsumerRecord<byte[], byte[]>> got = consume(topic, 30);
    assertThat(got).hasSize(30);
    Map<String, Expected> expected = expectedById(pushed);
    ObjectMapper mapper = new ObjectMapper();
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : got) {
      JsonNode j = mapper.readTree(r.value());
      String id = j.at("/attributes/id").asText();
      Expected e = expected.get(id);
      assertThat(e).as("record %s", id).isNotNull();
      seen.add(id);
      LogRecord rec = e.record();
      assertThat(j.get("time_unix_nano").asLong()).isEqualTo(rec.timeUnixNano());
      assertThat(j.get("observed_time_unix_nano").asLong()).isEqualTo(rec.observedTimeUnixNano());
      assertThat(j.get("severity_number").asInt()).isEqualTo(rec.severityNumber());
      assertThat(j.get("severity_text").asText()).isEqualTo(rec.severityText());
      if (rec.body() instanceof String s) {
        assertThat(j.get("body").asText()).isEqualTo(s);
      } else {
        assertThat(j.at("/body/msg").asText()).isEqualTo(((Attributes) rec.body()).get("msg"));
      }
      assertThat(j.get("trace_id").asText()).isEqualTo(HexFormat.of().formatHex(rec.traceId()));
      assertThat(j.get("span_id").asText()).isEqualTo(HexFormat.of().formatHex(rec.spanId()));
      assertThat(j.get("flags").asInt()).isEqualTo(rec.flags());
      assertThat(j.at("/attributes/n").asLong()).isEqualTo(rec.attributes().get("n"));
      assertThat(j.at("/attributes/ratio").asDouble()).isEqualTo(rec.attributes().get("ratio"));
      assertThat(j.at("/attributes/ok").asBoolean()).isEqualTo(rec.attributes().get("ok"));
      assertThat(j.at("/attributes/tenant").asText()).isEqualTo(rec.attributes().get("tenant"));
      assertThat(j.at("/attributes/nested/k/1").asLong())
          .isEqualTo(((List<?>) ((Attributes) rec.attributes().get("nested")).get("k")).get(1));
      assertThat(j.at("/resource/service.name").asText())
          .isEqualTo(e.resource().resource().attributes().get("service.name"));
      assertThat(j.at("/scope/name").asText()).isEqualTo(e.scope().scope().name());
      assertThat(j.at("/scope/version").asText()).isEqualTo(e.scope().scope().version());
      // exactly the object the file exporter writes per line
      assertThat(new String(r.value(), StandardCharsets.UTF_8))
          .doesNotContain("\n")
          .startsWith("{\"timestamp\":");
    }
    assertThat(seen).isEqualTo(expected.keySet());
  }

  // ---------------------------------------------------------------- keys, partitions, topics,
  // headers

  @ParameterizedTest
  @EnumSource(
      value = KafkaEncoding.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = "RAW") // raw: below
  void sameAttributeValueAlwaysLandsOnOnePartition(KafkaEncoding encoding) throws Exception {
    String topic = uniqueTopic("parts-" + encoding.id());
    kafka.createTopic(topic, 6);
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.encoding = encoding;
    c.partitionBy = "attribute:tenant";
    KafkaExporter e = start(c);
    e.push(varied(50, "a"));
    e.push(varied(50, "b"));

    List<ConsumerRecord<byte[], byte[]>> got =
        consume(topic, encoding == KafkaEncoding.JSON ? 100 : 10);
    Map<String, Set<Integer>> partitionsByTenant = new HashMap<>();
    int records = 0;
    for (ConsumerRecord<byte[], byte[]> r : got) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      List<LogRecord> recs = decode(encoding, r.value());
      for (LogRecord rec : recs) assertThat(rec.attributes().get("tenant")).isEqualTo(key);
      records += recs.size();
      partitionsByTenant.computeIfAbsent(key, k -> new HashSet<>()).add(r.partition());
    }
    assertThat(records).isEqualTo(100);
    assertThat(partitionsByTenant).hasSize(5);
    partitionsByTenant.values().forEach(p -> assertThat(p).hasSize(1));
    // with 5 keys over 6 partitions the default partitioner uses more than one partition
    assertThat(partitionsByTenant.values().stream().flatMap(Set::stream).distinct().count())
        .isGreaterThan(1);
  }

  @Test
  void resourceAndTraceIdKeys() throws Exception {
    String topic = uniqueTopic("reskey");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.partitionBy = "resource:service.name";
    start(c).push(varied(9, "r"));
    Set<String> keys = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : consume(topic, 2))
      keys.add(new String(r.key(), StandardCharsets.UTF_8));
    assertThat(keys).containsExactlyInAnyOrder("a", "b");

    String traceTopic = uniqueTopic("tracekey");
    KafkaExporterConfig t = config(kafka.bootstrapServers(), traceTopic);
    t.partitionBy = "trace_id";
    t.encoding = KafkaEncoding.JSON;
    start(t).push(varied(5, "t"));
    for (ConsumerRecord<byte[], byte[]> r : consume(traceTopic, 5)) {
      JsonNode j = new ObjectMapper().readTree(r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(j.get("trace_id").asText());
    }
  }

  @Test
  void topicFromAttributeWithFallback() throws Exception {
    String fallback = uniqueTopic("fallback");
    String routed = uniqueTopic("routed");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), fallback);
    c.encoding = KafkaEncoding.JSON;
    c.topicFromAttribute = "attributes[\"dest\"]";
    LogsBatch batch = varied(10, "d");
    List<LogRecord> all = new ArrayList<>();
    batch.forEachRecord(all::add);
    for (int i = 0; i < 4; i++) all.get(i).attributes().put("dest", routed);
    start(c).push(batch);

    assertThat(consume(routed, 4)).hasSize(4);
    assertThat(consume(fallback, 6)).hasSize(6);
  }

  @Test
  void topicFromResourceAttribute() throws Exception {
    String fallback = uniqueTopic("fb");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), fallback);
    c.topicFromAttribute = "resource.attributes[\"service.name\"]";
    c.encoding = KafkaEncoding.JSON;
    String prefix = uniqueTopic("svc");
    LogsBatch batch = varied(6, "s");
    batch.resourceLogs().get(0).resource().attributes().put("service.name", prefix + "-a");
    batch.resourceLogs().get(1).resource().attributes().remove("service.name");
    start(c).push(batch);
    assertThat(consume(prefix + "-a", 4)).hasSize(4);
    assertThat(consume(fallback, 2)).hasSize(2);
  }

  @Test
  void staticHeadersAndHeadersFromAttributes() throws Exception {
    String topic = uniqueTopic("headers");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.headers = Map.of("source", "stacklens");
    c.headersFromAttributes = List.of("tenant", "resource.attributes[\"service.name\"]");
    start(c).push(varied(20, "h"));
    List<ConsumerRecord<byte[], byte[]>> got = consume(topic, 2);
    int records = 0;
    for (ConsumerRecord<byte[], byte[]> r : got) {
      assertThat(header(r, "source")).isEqualTo("stacklens");
      for (LogRecord rec : decode(KafkaEncoding.OTLP_PROTO, r.value())) {
        assertThat(rec.attributes().get("tenant")).isEqualTo(header(r, "tenant"));
        records++;
      }
      assertThat(header(r, "service.name")).isIn("a", "b");
    }
    assertThat(records).isEqualTo(20);
  }

  // ---------------------------------------------------------------- compression, splitting, dead
  // letters

  @ParameterizedTest
  @EnumSource(KafkaCompression.class)
  void everyCompressionCodecDelivers(KafkaCompression codec) throws Exception {
    String topic = uniqueTopic("codec-" + codec.id());
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.compression = codec;
    LogsBatch pushed = varied(40, codec.id());
    start(c).push(pushed);
    List<LogsBatch> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consume(topic, 1)) decoded.add(fromProto(r.value()));
    assertSameRecords(decoded, pushed);
  }

  @ParameterizedTest
  @EnumSource(
      value = KafkaEncoding.class,
      names = {"OTLP_PROTO", "OTLP_JSON"})
  void anOversizedBatchIsSplitUnderMaxMessageBytes(KafkaEncoding encoding) throws Exception {
    String topic = uniqueTopic("split-" + encoding.id());
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.encoding = encoding;
    c.maxMessageBytes = new ByteSize(16 * 1024);
    LogsBatch pushed = varied(400, "s"); // ~100 KiB as OTLP
    start(c).push(pushed);

    List<ConsumerRecord<byte[], byte[]>> got = kafka.consume(topic, 6, WAIT);
    List<LogsBatch> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consume(topic, 6)) {
      assertThat(r.serializedValueSize()).isLessThanOrEqualTo(16 * 1024);
      decoded.add(
          OtlpLogs.fromProto(
              encoding == KafkaEncoding.OTLP_PROTO
                  ? parse(r.value())
                  : OtlpJson.parseLogs(r.value())));
    }
    assertThat(got.size()).isGreaterThan(5);
    assertSameRecords(decoded, pushed);
  }

  @Test
  void aRetryableFailureReportsOnlyTheUnacknowledgedRecordsAsUnsentAndTheRetrySendsNothingTwice()
      throws Exception {
    String healthy = uniqueTopic("healthy");
    String refused = uniqueTopic("refused");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), healthy);
    c.encoding = KafkaEncoding.JSON;
    c.topicFromAttribute = "attributes[\"dest\"]";
    c.producer.put("partitioner.class", RefusingPartitioner.class.getName());
    LogsBatch batch = varied(10, "p");
    List<LogRecord> all = new ArrayList<>();
    batch.forEachRecord(all::add);
    for (int i = 7; i < 10; i++) all.get(i).attributes().put("dest", refused);
    KafkaExporter exporter = start(c);
    RefusingPartitioner.refusedTopic = refused;
    try {
      ExportException failure =
          catchThrowableOfType(ExportException.class, () -> exporter.push(batch));

      assertThat(failure).isNotNull();
      assertThat(failure.isPermanent()).isFalse();
      assertThat(failure.unsent()).as("what the push did not deliver").isNotNull();
      List<Object> unsentBodies = new ArrayList<>();
      ((LogsBatch) failure.unsent()).forEachRecord(r -> unsentBodies.add(r.body()));
      assertThat(unsentBodies)
          .containsExactly(all.get(7).body(), all.get(8).body(), all.get(9).body());
      assertThat(consume(healthy, 7)).hasSize(7);

      RefusingPartitioner.refusedTopic = null;
      exporter.push(failure.unsent());

      assertThat(consume(refused, 3)).hasSize(3);
      assertThat(kafka.consume(healthy, 8, Duration.ofSeconds(3)))
          .as("the healthy topic got nothing twice")
          .hasSize(7);
    } finally {
      RefusingPartitioner.refusedTopic = null;
    }
  }

  /** Fails sends to one topic with a retryable error, as a broker short of replicas would. */
  public static final class RefusingPartitioner implements Partitioner {
    static volatile String refusedTopic;
    private final Partitioner builtIn = new RoundRobinPartitioner();

    @Override
    public int partition(
        String topic,
        Object key,
        byte[] keyBytes,
        Object value,
        byte[] valueBytes,
        Cluster cluster) {
      if (topic.equals(refusedTopic))
        throw new NotEnoughReplicasException("test: " + topic + " refuses writes for now");
      return builtIn.partition(topic, key, keyBytes, value, valueBytes, cluster);
    }

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
  }

  @ParameterizedTest
  @EnumSource(
      value = KafkaEncoding.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = "RAW") // raw: below
  void aRecordTooLargeAloneFailsPermanentlyAsTheOnlyUnsentRecordAndTheRestIsDelivered(
      KafkaEncoding encoding) throws Exception {
    String topic = uniqueTopic("too-large-" + encoding.id());
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.encoding = encoding;
    c.maxMessageBytes = new ByteSize(8 * 1024);
    LogsBatch batch = varied(20, "ok");
    batch.resourceLogs().addAll(oneRecord("huge", 20_000).resourceLogs());
    KafkaExporter exporter = start(c);

    ExportException failure =
        catchThrowableOfType(ExportException.class, () -> exporter.push(batch));

    assertThat(failure).isNotNull();
    assertThat(failure.isPermanent()).isTrue();
    assertThat(failure.reason()).isEqualTo("record_too_large");
    assertThat(failure.getMessage()).contains("max_message_bytes");
    List<Object> unsentIds = new ArrayList<>();
    ((LogsBatch) failure.unsent()).forEachRecord(r -> unsentIds.add(r.attributes().get("id")));
    assertThat(unsentIds).containsExactly("huge");
    List<ConsumerRecord<byte[], byte[]>> main =
        consume(topic, encoding == KafkaEncoding.JSON ? 20 : 1);
    int records = 0;
    for (ConsumerRecord<byte[], byte[]> r : main) {
      for (LogRecord rec : decode(encoding, r.value())) {
        assertThat(rec.attributes().get("id")).isNotEqualTo("huge");
        records++;
      }
    }
    assertThat(records).isEqualTo(20);
    assertThat(
            metrics.counterValue(
                "stacklens_exporter_kafka_rejected_records_total",
                "exporter",
                "kafka/test",
                "signal",
                "logs",
                "reason",
                "record_too_large"))
        .isEqualTo(1);
  }

  @Test
  void throughTheHelperARecordTooLargeGoesToTheDeadLetterExporterWithItsReason() throws Exception {
    String topic = uniqueTopic("main");
    String dlq = uniqueTopic("dlq");
    KafkaExporterConfig mainConfig = config(kafka.bootstrapServers(), topic);
    mainConfig.maxMessageBytes = new ByteSize(4 * 1024);
    mainConfig.batch.enabled = false;
    KafkaExporterConfig dlqConfig = config(kafka.bootstrapServers(), dlq);
    dlqConfig.encoding = KafkaEncoding.JSON;
    dlqConfig.batch.enabled = false;
    var host = new KafkaTestData.RecordingHost();
    ExporterRunner deadLetters =
        new ExporterRunner(
            context(metrics, "kafka/dlq"),
            new KafkaExporterFactory().createExporter(context(metrics, "kafka/dlq"), dlqConfig),
            dlqConfig);
    ExporterRunner main =
        new ExporterRunner(
            context(metrics, "kafka/main"),
            new KafkaExporterFactory().createExporter(context(metrics, "kafka/main"), mainConfig),
            mainConfig);
    main.deadLetterTo(deadLetters);
    deadLetters.start(host);
    main.start(host);
    try {
      LogsBatch batch = varied(3, "ok");
      batch.resourceLogs().addAll(oneRecord("huge", 10_000).resourceLogs());
      main.enqueue(batch);

      List<ConsumerRecord<byte[], byte[]>> dead = consume(dlq, 1);
      assertThat(dead).hasSize(1);
      JsonNode line = new ObjectMapper().readTree(dead.get(0).value());
      assertThat(line.toString())
          .contains(
              "\"stacklens.error.reason\":\"record_too_large\"",
              "\"stacklens.exporter\":\"kafka/main\"");
      int records = 0;
      for (ConsumerRecord<byte[], byte[]> r : consume(topic, 1))
        records += decode(KafkaEncoding.OTLP_PROTO, r.value()).size();
      assertThat(records).isEqualTo(3);
    } finally {
      main.shutdown(soon());
      deadLetters.shutdown(soon());
    }
  }

  // ---------------------------------------------------------------- raw: log records back as
  // messages

  @Test
  void rawWritesEachLogRecordBackAsTheMessageItDescribes() throws Exception {
    String topic = uniqueTopic("raw");
    KafkaExporterConfig c = config(kafka.bootstrapServers(), topic);
    c.encoding = KafkaEncoding.RAW;
    c.partitionBy = "attribute:tenant";
    c.headers = Map.of("source", "stacklens");
    c.maxMessageBytes = new ByteSize(4 * 1024);
    byte[] original = {0x0A, (byte) 0xFF, 0x01, 0x00};
    byte[] notUtf8 = {(byte) 0xC3, 0x28};
    ResourceLogs rl =
        new ResourceLogs(
            new Resource(
                Attributes.of(
                    "stacklens.error.reason",
                    "invalid_protobuf",
                    "stacklens.receiver",
                    "kafka/in")),
            new ArrayList<>());
    KafkaTestData.scope(rl, "s", "")
        .logRecords()
        .addAll(
            List.of(
                new LogRecord(
                        Attributes.of(
                            MessageBuilder.RAW_KEY,
                            "k1",
                            "origin",
                            "checkout",
                            "trace",
                            notUtf8,
                            "messaging.kafka.message.offset",
                            7L,
                            "tenant",
                            "t1"))
                    .setBody(original),
                new LogRecord(Attributes.of("tenant", "t2")).setBody("héllo"),
                new LogRecord(Attributes.of(MessageBuilder.RAW_KEY, notUtf8))
                    .setBody(Attributes.of("a", 1L)),
                new LogRecord(Attributes.of("tenant", "t4")),
                new LogRecord(Attributes.of("tenant", "t5")).setBody("x".repeat(5000))));
    LogsBatch batch = new LogsBatch(new ArrayList<>(List.of(rl)));

    ExportException failure =
        catchThrowableOfType(ExportException.class, () -> start(c).push(batch));

    assertThat(failure.reason()).isEqualTo("record_too_large");
    assertThat(failure.unsent().recordCount()).isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> got = consume(topic, 4);
    assertThat(got).hasSize(4);
    Map<Object, ConsumerRecord<byte[], byte[]>> byBody = new HashMap<>();
    ConsumerRecord<byte[], byte[]> tombstone = null;
    for (ConsumerRecord<byte[], byte[]> r : got) {
      assertThat(header(r, "source")).isEqualTo("stacklens");
      assertThat(header(r, "stacklens.error.reason")).isEqualTo("invalid_protobuf");
      assertThat(header(r, "stacklens.receiver")).isEqualTo("kafka/in");
      assertThat(r.headers().headers(MessageBuilder.RAW_KEY))
          .as("the key is the key, not a header")
          .isEmpty();
      if (r.value() == null) tombstone = r;
      else byBody.put(HexFormat.of().formatHex(r.value()), r);
    }
    ConsumerRecord<byte[], byte[]> first = byBody.get(HexFormat.of().formatHex(original));
    assertThat(first.key()).isEqualTo(bytes("k1"));
    assertThat(header(first, "origin")).isEqualTo("checkout");
    assertThat(first.headers().lastHeader("trace").value()).isEqualTo(notUtf8);
    assertThat(header(first, "messaging.kafka.message.offset")).isEqualTo("7");
    assertThat(header(first, "tenant")).isEqualTo("t1");
    ConsumerRecord<byte[], byte[]> text = byBody.get(HexFormat.of().formatHex(bytes("héllo")));
    assertThat(text.key()).as("no key attribute: partition_by").isEqualTo(bytes("t2"));
    ConsumerRecord<byte[], byte[]> json = byBody.get(HexFormat.of().formatHex(bytes("{\"a\":1}")));
    assertThat(json.key()).isEqualTo(notUtf8);
    assertThat(tombstone).as("a record without a body is a message without a value").isNotNull();
    assertThat(tombstone.key()).isEqualTo(bytes("t4"));
  }

  // ---------------------------------------------------------------- helpers

  private record Expected(ResourceLogs resource, ScopeLogs scope, LogRecord record) {}

  private static Map<String, Expected> expectedById(LogsBatch batch) {
    Map<String, Expected> out = new HashMap<>();
    batch.forEachRecord(
        (rl, sl, r) -> out.put((String) r.attributes().get("id"), new Expected(rl, sl, r)));
    return out;
  }

  /**
   * Every pushed record arrived exactly once, equal field by field, under an equal resource and
   * scope.
   */
  private static void assertSameRecords(List<LogsBatch> decoded, LogsBatch pushed) {
    Map<String, Expected> expected = expectedById(pushed);
    List<String> seen = new ArrayList<>();
    for (LogsBatch b : decoded) {
      b.forEachRecord(
          (rl, sl, r) -> {
            String id = (String) r.attributes().get("id");
            Expected e = expected.get(id);
            assertThat(e).as("unexpected record %s", id).isNotNull();
            assertThat(r.sameAs(e.record()))
                .as("record %s: got %s, pushed %s", id, r, e.record())
                .isTrue();
            assertThat(rl.resource().attributes()).isEqualTo(e.resource().resource().attributes());
            assertThat(sl.scope().name()).isEqualTo(e.scope().scope().name());
            assertThat(sl.scope().version()).isEqualTo(e.scope().scope().version());
            seen.add(id);
          });
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected.keySet());
  }

  static List<LogRecord> decode(KafkaEncoding encoding, byte[] value) {
    List<LogRecord> out = new ArrayList<>();
    switch (encoding) {
      case OTLP_PROTO -> fromProto(value).forEachRecord(out::add);
      case OTLP_JSON -> OtlpLogs.fromProto(OtlpJson.parseLogs(value)).forEachRecord(out::add);
      case JSON -> {
        try {
          JsonNode j = new ObjectMapper().readTree(value);
          Attributes a = new Attributes();
          j.get("attributes")
              .properties()
              .forEach(
                  f -> {
                    if (f.getValue().isTextual()) a.put(f.getKey(), f.getValue().asText());
                  });
          out.add(new LogRecord(a));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }

  static LogsBatch fromProto(byte[] value) {
    return OtlpLogs.fromProto(parse(value));
  }

  static ExportLogsServiceRequest parse(byte[] value) {
    try {
      return ExportLogsServiceRequest.parseFrom(value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
