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
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ReceiverDeadLetters;
import io.stacklens.agent.testing.CollectingConsumer;
import io.stacklens.agent.testing.TestBatches;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * At-least-once: commit after accept, backpressure, poison messages and their dead-letter exporter,
 * rebalance.
 */
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

    // A new receiver in the same group reads the rest: every record seen at least once, none
    // skipped.
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
  @SuppressWarnings("try") // the receiver runs while the try block waits
  void recordsThePipelineLostAfterTakingThemAreReadAgainAndNothingIsCommittedPastThem()
      throws Exception {
    String topic = topic(kafka, "lost-after-accept", 1);
    List<String> sent = ids("rec", 0, 20);
    produceText(kafka, topic, 0, sent);
    KafkaReceiverConfig config = textConfig(kafka, topic);
    config.maxPollRecords = 5;
    // The pipeline takes the first batch and then loses it (an exporter gave up on it): the
    // receiver must read those records again; every later batch is held as promised.
    CollectingConsumer pipeline = new CollectingConsumer();
    AtomicInteger answers = new AtomicInteger();
    pipeline.holdAnswers =
        ack -> {
          if (answers.getAndIncrement() == 0) ack.fail();
          else ack.done();
        };
    try (RunningReceiver r = new RunningReceiver(config, Signal.LOGS, pipeline, "lost")) {
      await().atMost(WAIT).until(() -> new HashSet<>(pipeline.bodies()).containsAll(sent));
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == sent.size());
      List<String> first = pipeline.bodies().subList(0, pipeline.batches.get(0).recordCount());
      assertThat(pipeline.bodies().subList(first.size(), pipeline.bodies().size()))
          .as("the lost batch's records, read again")
          .containsAll(first);
    }
  }

  @Test
  @SuppressWarnings("try") // the receiver runs while the try block waits
  void aReceiverStoppedWhileThePipelineHoldsTheAnswerCommitsNothingOfIt() throws Exception {
    String topic = topic(kafka, "stop-while-held", 1);
    List<String> sent = ids("rec", 0, 10);
    produceText(kafka, topic, 0, sent);
    KafkaReceiverConfig config = textConfig(kafka, topic);
    CollectingConsumer holding = new CollectingConsumer();
    List<Acknowledgement> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    holding.holdAnswers = held::add; // never settled: the records never reach the disk queues
    try (RunningReceiver r = new RunningReceiver(config, Signal.LOGS, holding, "held")) {
      await().atMost(WAIT).until(() -> !held.isEmpty());
    }
    assertThat(committed(kafka, config.groupId).values())
        .allMatch(o -> o == null || o.offset() == 0);

    try (RunningReceiver r = new RunningReceiver(config)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == sent.size());
      assertThat(r.consumer.bodies()).containsExactlyElementsOf(sent);
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
      assertThat(r.counter(KafkaReceiverMetrics.REFUSED, "reason", "shutting_down"))
          .isGreaterThanOrEqualTo(10);
    }
    assertThat(committed(kafka, config.groupId).values())
        .allMatch(o -> o == null || o.offset() == 0);

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
      // While the pipeline is full, both partitions are paused and the same batch is offered again
      // and again.
      await()
          .atMost(WAIT)
          .until(() -> r.gauge(KafkaReceiverMetrics.PAUSED) == 2 && consumer.refusals.get() >= 5);
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
  void undecodableMessagesGoToTheDeadLetterExporterAsLogRecordsAndThePartitionKeepsFlowing()
      throws Exception {
    String topic = topic(kafka, "poison", 1);
    byte[] garbage = {0x0A, (byte) 0xFF, 0x01}; // field 1, length 255, 1 byte: truncated
    byte[] binaryHeader = {(byte) 0xC3, 0x28}; // not UTF-8
    long timestamp = 1_790_000_000_123L;
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
      producer.send(
          new ProducerRecord<>(
              topic, 0, null, KafkaReceiverEncodingsTest.logsRequest("a").toByteArray()));
      ProducerRecord<byte[], byte[]> bad =
          new ProducerRecord<>(topic, 0, timestamp, bytes("bad-key"), garbage);
      bad.headers().add("origin", bytes("checkout"));
      bad.headers().add("trace", binaryHeader);
      producer.send(bad);
      producer.send(new ProducerRecord<>(topic, 0, new byte[] {(byte) 0xFF}, null));
      producer.send(
          new ProducerRecord<>(
              topic, 0, null, KafkaReceiverEncodingsTest.logsRequest("b").toByteArray()));
      producer.flush();
    }
    KafkaReceiverConfig config = config(kafka, topic);
    try (DeadLetterExporter dlq = new DeadLetterExporter(8).start();
        RunningReceiver r = new RunningReceiver(config, dlq)) {
      await().atMost(WAIT).until(() -> r.consumer.records() == 6);
      assertThat(r.consumer.bodies())
          .containsExactly("a line 0", "a line 1", "a line 2", "b line 0", "b line 1", "b line 2");
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 4);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "invalid_protobuf"))
          .isEqualTo(1);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "no_value")).isEqualTo(1);
      assertThat(r.counter(ReceiverDeadLetters.METRIC, "dead_letter", "kafka/dlq")).isEqualTo(2);

      await().atMost(WAIT).until(() -> dlq.delivered().size() == 2);
      DeadLetterExporter.Delivered first = dlq.delivered().get(0);
      assertThat((byte[]) first.record().body()).isEqualTo(garbage);
      assertThat(first.record().timeUnixNano()).isEqualTo(timestamp * 1_000_000L);
      Attributes attributes = first.record().attributes();
      assertThat(attributes.get(DeadLetterSender.TOPIC)).isEqualTo(topic);
      assertThat(attributes.get(DeadLetterSender.PARTITION)).isEqualTo(0L);
      assertThat(attributes.get(DeadLetterSender.OFFSET)).isEqualTo(1L);
      assertThat(attributes.get(DeadLetterSender.KEY)).isEqualTo("bad-key");
      assertThat(attributes.get("origin")).isEqualTo("checkout");
      assertThat((byte[]) attributes.get("trace")).isEqualTo(binaryHeader);
      assertThat(first.resource().get(DeadLetters.ERROR_REASON)).isEqualTo("invalid_protobuf");
      assertThat((String) first.resource().get(DeadLetters.ERROR_MESSAGE))
          .startsWith("not an OTLP protobuf ExportLogsServiceRequest");
      assertThat(first.resource().get(DeadLetters.RECEIVER)).isEqualTo("kafka/test");
      DeadLetterExporter.Delivered tombstone = dlq.delivered().get(1);
      assertThat(tombstone.record().body()).isNull();
      assertThat((byte[]) tombstone.record().attributes().get(DeadLetterSender.KEY))
          .as("a key that is not UTF-8")
          .isEqualTo(new byte[] {(byte) 0xFF});
      assertThat(tombstone.record().attributes().get(DeadLetterSender.OFFSET)).isEqualTo(2L);
      assertThat(tombstone.resource().get(DeadLetters.ERROR_REASON)).isEqualTo("no_value");

      // the partition keeps flowing after the poison
      KafkaTestSupport.produce(
          kafka, topic, List.of(KafkaReceiverEncodingsTest.logsRequest("c").toByteArray()));
      await().atMost(WAIT).until(() -> r.consumer.records() == 9);
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 5);
    }
  }

  @Test
  void offsetsStayBeforeAnUndecodableMessageWhileTheDeadLetterQueueIsFullAndMoveOnceItIsTaken()
      throws Exception {
    String topic = topic(kafka, "poison-full", 1);
    KafkaTestSupport.produce(
        kafka,
        topic,
        List.of(
            KafkaReceiverEncodingsTest.logsRequest("a").toByteArray(),
            bytes("not a request"),
            KafkaReceiverEncodingsTest.logsRequest("b").toByteArray()));
    KafkaReceiverConfig config = config(kafka, topic);
    config.maxPollRecords = 1; // one chunk per message: offsets could move message by message
    config.backoff.maxInterval = Duration.ofMillis(100);
    try (DeadLetterExporter dlq = new DeadLetterExporter(1).start()) {
      // Fill the dead-letter exporter: one batch stuck in its push, one in its one-slot queue.
      dlq.exporter.block();
      assertThat(dlq.runner.offer(TestBatches.logs("stuck", 1))).isEqualTo(Admission.ACCEPTED);
      await().atMost(WAIT).until(() -> dlq.exporter.attempts.get() == 1);
      assertThat(dlq.runner.offer(TestBatches.logs("queued", 1))).isEqualTo(Admission.ACCEPTED);

      try (RunningReceiver r = new RunningReceiver(config, dlq)) {
        await().atMost(WAIT).until(() -> r.counter(KafkaReceiverMetrics.DEAD_LETTER_FAILURES) >= 3);
        assertThat(r.consumer.bodies())
            .as("the partition is paused behind the refused message, like backpressure")
            .containsExactly("a line 0", "a line 1", "a line 2");
        assertThat(r.gauge(KafkaReceiverMetrics.PAUSED)).isEqualTo(1);
        assertThat(committedSum(kafka, config.groupId))
            .as("committed up to the undecodable message, not past it")
            .isEqualTo(1);
        assertThat(r.status()).isEqualTo(ComponentStatus.DEGRADED);
        assertThat(r.statusDetail())
            .contains(
                "dead-letter exporter kafka/dlq refused 1 undecodable message(s)",
                "its queue is full");
        assertThat(r.counter(ReceiverDeadLetters.METRIC)).isZero();

        dlq.exporter.unblock();
        await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 3);
        assertThat(r.consumer.records()).isEqualTo(6);
        await().atMost(WAIT).until(() -> dlq.exporter.recordCount() == 3);
        assertThat(dlq.exporter.bodies())
            .usingElementComparator(KafkaReceiverDeliveryTest::sameValue)
            .containsExactly("stuck-0", "queued-0", bytes("not a request"));
        assertThat(r.counter(ReceiverDeadLetters.METRIC)).isEqualTo(1);
        await().atMost(WAIT).until(() -> r.status() == ComponentStatus.OK);
      }
    }
  }

  @Test
  void aDeadLetterExporterThatIsNotRunningIsRetriedAndNothingIsCommittedPastTheMessage()
      throws Exception {
    String topic = topic(kafka, "poison-stopped", 1);
    KafkaTestSupport.produce(
        kafka,
        topic,
        List.of(bytes("not a request"), KafkaReceiverEncodingsTest.logsRequest("b").toByteArray()));
    KafkaReceiverConfig config = config(kafka, topic);
    config.maxPollRecords = 1;
    config.backoff.maxInterval = Duration.ofMillis(100);
    try (DeadLetterExporter dlq = new DeadLetterExporter(8);
        RunningReceiver r = new RunningReceiver(config, dlq)) {
      await().atMost(WAIT).until(() -> r.counter(KafkaReceiverMetrics.DEAD_LETTER_FAILURES) >= 3);
      assertThat(r.consumer.records()).isZero();
      assertThat(committed(kafka, config.groupId).values())
          .allMatch(o -> o == null || o.offset() == 0);
      assertThat(r.statusDetail()).contains("it is not running");

      dlq.start();
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 2);
      assertThat(r.consumer.records()).isEqualTo(3);
      await().atMost(WAIT).until(() -> dlq.delivered().size() == 1);
    }
  }

  @Test
  void aMessageOverADecodeLimitIsDeadLetteredWholeNamingTheLimit() throws Exception {
    String topic = topic(kafka, "over-limit", 1);
    byte[] tooMany = KafkaReceiverEncodingsTest.logsRequest("many").toByteArray(); // three records
    KafkaTestSupport.produce(
        kafka, topic, List.of(KafkaReceiverEncodingsTest.logsRequest("a").toByteArray(), tooMany));
    KafkaReceiverConfig config = config(kafka, topic);
    config.limits.maxRecordsPerRequest = 3;
    config.limits.maxValueSize = new io.stacklens.agent.api.ByteSize(1000);
    byte[] overRecordLimit =
        io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder()
                    .addScopeLogs(
                        io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
                            .addLogRecords(
                                io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                                    .setBody(
                                        io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
                                            .setStringValue("kept")))
                            .addLogRecords(
                                io.opentelemetry.proto.logs.v1.LogRecord.newBuilder()
                                    .setBody(
                                        io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
                                            .setStringValue("x".repeat(2000))))))
            .build()
            .toByteArray();
    KafkaTestSupport.produce(kafka, topic, List.of(overRecordLimit));
    try (DeadLetterExporter dlq = new DeadLetterExporter(8).start();
        RunningReceiver r = new RunningReceiver(config, dlq)) {
      // "a" (3 records) passes; "many" also has 3 and passes; the 2,000-byte body makes its message
      // poison, whole.
      await().atMost(WAIT).until(() -> dlq.delivered().size() == 1);
      await().atMost(WAIT).until(() -> r.consumer.records() == 6);
      assertThat(r.counter(KafkaReceiverMetrics.INVALID, "reason", "max_value_size")).isEqualTo(1);
      DeadLetterExporter.Delivered dead = dlq.delivered().get(0);
      assertThat((byte[]) dead.record().body()).isEqualTo(overRecordLimit);
      assertThat(dead.resource().get(DeadLetters.ERROR_REASON)).isEqualTo("max_value_size");
      assertThat((String) dead.resource().get(DeadLetters.ERROR_MESSAGE))
          .contains("log_records[1]", "receivers.kafka/test.limits.max_value_size");
      await().atMost(WAIT).until(() -> committedSum(kafka, config.groupId) == 3);
    }
  }

  @Test
  void withoutADeadLetterExporterUndecodableMessagesAreCountedAndSkipped() throws Exception {
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
      await()
          .atMost(WAIT)
          .until(
              () ->
                  ra.gauge(KafkaReceiverMetrics.ASSIGNED) == 2
                      && rb.gauge(KafkaReceiverMetrics.ASSIGNED) == 2);
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
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
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
      for (LogRecord rec : r.consumer.logRecords())
        partitions.add((String) rec.attributes().get(KafkaMetadata.PARTITION));
      assertThat(partitions).hasSize(4);
    }
  }

  /** Bodies compared by value, byte arrays included. */
  private static int sameValue(Object a, Object b) {
    return io.stacklens.agent.data.AnyValues.equal(a, b) ? 0 : 1;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** OTLP/JSON logs requests. */
  private static final class OtlpJsonBytes {
    static byte[] logs(String tag) {
      return io.stacklens.agent.otlp.OtlpJson.toJsonBytes(
          KafkaReceiverEncodingsTest.logsRequest(tag));
    }
  }
}
