package io.stacklens.receiver.kafka;

import static io.stacklens.receiver.kafka.KafkaTestSupport.committed;
import static io.stacklens.receiver.kafka.KafkaTestSupport.committedSum;
import static io.stacklens.receiver.kafka.KafkaTestSupport.config;
import static io.stacklens.receiver.kafka.KafkaTestSupport.ids;
import static io.stacklens.receiver.kafka.KafkaTestSupport.produceText;
import static io.stacklens.receiver.kafka.KafkaTestSupport.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.kafka.KafkaBroker;
import io.stacklens.receiver.kafka.KafkaReceiverConfig.Encoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** At-least-once: commit after accept, backpressure, poison messages, rebalance. */
class KafkaReceiverDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KafkaBroker kafka = KafkaBroker.shared();

  private static KafkaReceiverConfig textConfig(KafkaBroker kafka, String topic) {
    KafkaReceiverConfig config = config(kafka, topic);
    config.encoding = Encoding.TEXT;
    return config;
  }

  @SuppressWarnings("try") // the receivers run while their try blocks wait
  @Test
  void offsetsAreCommittedOnlyForAcceptedRecords() throws Exception {
    String topic = topic(kafka, "commit", 2);
    List<String> sent = ids("rec", 0, 40);
    produceText(kafka, topic, -1, sent);
    KafkaReceiverConfig config = textConfig(kafka, topic);
    config.maxPollRecords = 5;

    // The pipeline takes the first batch, then refuses everything until the receiver is shut down.
    CollectingConsumer first = new CollectingConsumer();
    AtomicInteger calls = new AtomicInteger();
    first.answer = () -> calls.getAndIncrement() == 0 ? Admission.ACCEPTED : Admission.REFUSED_FULL;
    try (RunningReceiver r = new RunningReceiver(config, Signal.LOGS, first, "first")) {
      await().atMost(WAIT).until(() -> first.refusals.get() >= 3);
      assertThat(first.records()).isBetween(1, 5);
    }
    // Exactly what was accepted is committed: nothing past it.
    assertThat(committedSum(kafka, config.groupId)).isEqualTo(first.records());

    // A new receiver in the same group reads the rest: every record seen at least once, none skipped.
    CollectingConsumer second = new CollectingConsumer();
    try (RunningReceiver r = new RunningReceiver(config, Signal.LOGS, second, "second")) {
      await().atMost(WAIT).until(() -> second.records() >= sent.size() - first.records());
      Set<String> seen = new HashSet<>(first.bodies());
      seen.addAll(second.bodies());
      assertThat(seen).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(second.bodies()).doesNotContainAnyElementsOf(first.bodies());
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == sent.size());
    }
  }

  @Test
  void aReceiverStoppedBeforeThePipelineAcceptedCommitsNothing() throws Exception {
    String topic = topic(kafka, "stop-before-accept", 1);
    List<String> sent = ids("rec", 0, 10);
    produceText(kafka, topic, 0, sent);
    KafkaReceiverConfig config = textConfig(kafka, topic);
    CollectingConsumer shuttingDown = new CollectingConsumer();
    shuttingDown.answer = () -> Admission.REFUSED_SHUTTING_DOWN;
    try (RunningReceiver r = new RunningReceiver(config, Signal.LOGS, shuttingDown, "first")) {
      await().atMost(WAIT).until(() -> shuttingDown.refusals.get() >= 1);
      assertThat(r.counter(KafkaReceiverMetrics.REFUSED, "reason", "shutting_down")).isGreaterThanOrEqualTo(10);
    }
    assertThat(committed(kafka, config.groupId).values()).allMatch(o -> o == null || o.offset() == 0);

    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == sent.size());
      assertThat(r.consumer.bodies()).containsExactlyElementsOf(sent);
    }
  }

  @Test
  void backpressurePausesThePartitionsAndLosesNothing() throws Exception {
    String topic = topic(kafka, "backpressure", 2);
    List<String> sent = ids("rec", 0, 300);
    produceText(kafka, topic, -1, sent);
    KafkaReceiverConfig config = textConfig(kafka, topic);
    config.maxPollRecords = 50;
    config.backoff.maxInterval = Duration.ofMillis(100);

    CollectingConsumer consumer = new CollectingConsumer();
    AtomicBoolean full = new AtomicBoolean(true);
    consumer.answer = () -> full.get() ? Admission.REFUSED_FULL : Admission.ACCEPTED;
    try (RunningReceiver r = new RunningReceiver(config, Signal.LOGS, consumer, "bp")) {
      // While the pipeline is full, both partitions are paused and the same batch is offered again and again.
      await().atMost(WAIT).until(() -> r.gauge(KafkaReceiverMetrics.PAUSED) == 2 && consumer.refusals.get() >= 5);
      assertThat(r.counter(KafkaReceiverMetrics.PAUSES)).isEqualTo(1);
      assertThat(committedSum(kafka, config.groupId)).isZero();
      full.set(false);

      await().atMost(WAIT).until(() -> consumer.records() >= sent.size());
      // Nothing lost, nothing twice (no rebalance happened), partitions resumed, all committed.
      assertThat(consumer.bodies()).hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(r.gauge(KafkaReceiverMetrics.PAUSED)).isZero();
      assertThat(r.counter(KafkaReceiverMetrics.REFUSED, "reason", "ring_full")).isGreaterThan(0);
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == sent.size());
      // Each partition's records arrived in offset order.
      Map<String, Long> lastOffset = new HashMap<>();
      for (LogRecord rec : consumer.logRecords()) {
        String partition = (String) rec.attributes().get(KafkaMetadata.PARTITION);
        long offset = (Long) rec.attributes().get(KafkaMetadata.OFFSET);
        assertThat(offset).isEqualTo(lastOffset.getOrDefault(partition, -1L) + 1);
        lastOffset.put(partition, offset);
      }
    }
  }

  @Test
  void undecodableMessagesGoToTheDeadLetterTopicAndThePartitionKeepsFlowing() throws Exception {
    String topic = topic(kafka, "poison", 1);
    String dlq = topic(kafka, "poison-dlq", 1);
    byte[] garbage = {0x0A, (byte) 0xFF, 0x01}; // field 1, length 255, 1 byte: truncated
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
      producer.send(new ProducerRecord<>(topic, 0, null, KafkaReceiverEncodingsTest.logsRequest("a").toByteArray()));
      ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>(topic, 0, bytes("bad-key"), garbage);
      bad.headers().add("origin", bytes("checkout"));
      producer.send(bad);
      producer.send(new ProducerRecord<>(topic, 0, bytes("tomb"), null));
      producer.send(new ProducerRecord<>(topic, 0, null, KafkaReceiverEncodingsTest.logsRequest("b").toByteArray()));
      producer.flush();
    }
    KafkaReceiverConfig config = config(kafka, topic);
    config.deadLetter = new KafkaReceiverConfig.DeadLetter();
    config.deadLetter.topic = dlq;
    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == 6);
      assertThat(r.consumer.bodies()).containsExactly("a line 0", "a line 1", "a line 2", "b line 0", "b line 1", "b line 2");
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 4);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "invalid_protobuf")).isEqualTo(1);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "no_value")).isEqualTo(1);
      assertThat(r.counter(KafkaReceiverMetrics.DEAD_LETTERED)).isEqualTo(2);

      List<ConsumerRecord<byte[], byte[]>> dead = kafka.consume(dlq, 2, WAIT);
      assertThat(dead).hasSize(2);
      ConsumerRecord<byte[], byte[]> first = dead.get(0);
      assertThat(first.key()).isEqualTo(bytes("bad-key"));
      assertThat(first.value()).isEqualTo(garbage);
      assertThat(header(first, "origin")).isEqualTo("checkout");
      assertThat(header(first, DeadLetterSender.REASON)).isEqualTo("invalid_protobuf");
      assertThat(header(first, DeadLetterSender.MESSAGE)).startsWith("not an OTLP protobuf ExportLogsServiceRequest");
      assertThat(header(first, DeadLetterSender.SOURCE_TOPIC)).isEqualTo(topic);
      assertThat(header(first, DeadLetterSender.SOURCE_PARTITION)).isEqualTo("0");
      assertThat(header(first, DeadLetterSender.SOURCE_OFFSET)).isEqualTo("1");
      ConsumerRecord<byte[], byte[]> second = dead.get(1);
      assertThat(second.value()).isNull();
      assertThat(header(second, DeadLetterSender.REASON)).isEqualTo("no_value");
      assertThat(header(second, DeadLetterSender.SOURCE_OFFSET)).isEqualTo("2");

      // the partition keeps flowing after the poison
      KafkaTestSupport.produce(kafka, topic, List.of(KafkaReceiverEncodingsTest.logsRequest("c").toByteArray()));
      await().atMost(WAIT).until(() -> r.consumer.records() == 9);
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 5);
    }
  }

  @Test
  void aMessageOverADecodeLimitIsDeadLetteredWholeNamingTheLimit() throws Exception {
    String topic = topic(kafka, "over-limit", 1);
    String dlq = topic(kafka, "over-limit-dlq", 1);
    byte[] tooMany = KafkaReceiverEncodingsTest.logsRequest("many").toByteArray(); // three records
    KafkaTestSupport.produce(kafka, topic, List.of(KafkaReceiverEncodingsTest.logsRequest("a").toByteArray(), tooMany));
    KafkaReceiverConfig config = config(kafka, topic);
    config.limits.maxRecordsPerRequest = 3;
    config.limits.maxValueSize = new io.stacklens.agent.api.ByteSize(1000);
    config.deadLetter = new KafkaReceiverConfig.DeadLetter();
    config.deadLetter.topic = dlq;
    byte[] overRecordLimit = io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder().addScopeLogs(
            io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
                .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                    .setBody(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("kept")))
                .addLogRecords(io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                    .setBody(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("x".repeat(2000))))))
        .build().toByteArray();
    KafkaTestSupport.produce(kafka, topic, List.of(overRecordLimit));
    try (RunningReceiver r = new RunningReceiver(config)) {
      // "a" (3 records) passes; "many" also has 3 and passes; the 2,000-byte body makes its message poison, whole.
      await().atMost(WAIT).until(() -> r.counter(KafkaReceiverMetrics.DEAD_LETTERED) == 1);
      await().atMost(WAIT).until(() -> r.consumer.records() == 6);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "max_value_size")).isEqualTo(1);
      ConsumerRecord<byte[], byte[]> dead = kafka.consume(dlq, 1, WAIT).get(0);
      assertThat(dead.value()).isEqualTo(overRecordLimit);
      assertThat(header(dead, DeadLetterSender.REASON)).isEqualTo("max_value_size");
      assertThat(header(dead, DeadLetterSender.MESSAGE))
          .contains("log_records[1]", "receivers.kafka/test.limits.max_value_size");
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 3);
    }
  }

  @Test
  void withoutADeadLetterTopicUndecodableMessagesAreCountedAndSkipped() throws Exception {
    String topic = topic(kafka, "poison-skip", 1);
    KafkaTestSupport.produce(kafka, topic, List.of(bytes("{not json"), OtlpJsonBytes.logs("ok")));
    KafkaReceiverConfig config = config(kafka, topic);
    config.encoding = Encoding.OTLP_JSON;
    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == 3);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "invalid_json")).isEqualTo(1);
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 2);
    }
  }

  @Test
  void whenOneOfTwoReceiversInAGroupStopsTheOtherTakesOverWithoutLoss() throws Exception {
    String topic = topic(kafka, "rebalance", 4);
    KafkaReceiverConfig config = textConfig(kafka, topic);
    config.maxPollRecords = 20;
    CollectingConsumer a = new CollectingConsumer();
    CollectingConsumer b = new CollectingConsumer();
    RunningReceiver ra = new RunningReceiver(config, Signal.LOGS, a, "a");
    try (RunningReceiver rb = new RunningReceiver(config, Signal.LOGS, b, "b")) {
      // both members hold partitions
      await().atMost(WAIT).until(() ->
          ra.gauge(KafkaReceiverMetrics.ASSIGNED) == 2 && rb.gauge(KafkaReceiverMetrics.ASSIGNED) == 2);
      List<String> firstWave = ids("w1", 0, 200);
      produceText(kafka, topic, -1, firstWave);
      await().atMost(WAIT).until(() -> a.records() + b.records() >= firstWave.size());
      assertThat(a.records()).isPositive();
      assertThat(b.records()).isPositive();

      // a's pipeline stops accepting: a holds its records (paused) when it leaves the group
      a.answer = () -> Admission.REFUSED_FULL;
      List<String> secondWave = ids("w2", 0, 200);
      produceText(kafka, topic, -1, secondWave);
      await().atMost(WAIT).until(() -> a.refusals.get() > 0);
      ra.close();

      // b takes all four partitions and reads what a never delivered
      await().atMost(WAIT).until(() -> rb.gauge(KafkaReceiverMetrics.ASSIGNED) == 4);
      List<String> all = new ArrayList<>(firstWave);
      all.addAll(secondWave);
      await().atMost(WAIT).untilAsserted(() -> {
        Set<String> seen = new HashSet<>(a.bodies());
        seen.addAll(b.bodies());
        assertThat(seen).containsAll(all);
      });
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == all.size());
    } finally {
      ra.close();
    }
  }

  @Test
  void severalConsumerThreadsShareTheGroupsPartitions() {
    String topic = topic(kafka, "threads", 4);
    KafkaReceiverConfig config = textConfig(kafka, topic);
    config.consumers = 2;
    List<String> sent = ids("rec", 0, 100);
    produceText(kafka, topic, -1, sent);
    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() >= sent.size());
      assertThat(r.consumer.bodies()).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(r.gauge(KafkaReceiverMetrics.ASSIGNED)).isEqualTo(4);
      Set<String> partitions = new HashSet<>();
      for (LogRecord rec : r.consumer.logRecords()) partitions.add((String) rec.attributes().get(KafkaMetadata.PARTITION));
      assertThat(partitions).hasSize(4);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header h = record.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** OTLP/JSON logs requests. */
  private static final class OtlpJsonBytes {
    static byte[] logs(String tag) {
      return io.stacklens.agent.otlp.OtlpJson.toJsonBytes(KafkaReceiverEncodingsTest.logsRequest(tag));
    }
  }
}
