package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A receiver's dead letters ({@link ReceiverDeadLetters}): marked like the helper's own, offered to
 * the dead-letter exporter's queue without ever waiting, counted when taken.
 */
class DeadLettersFromReceiversTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ComponentId RECEIVER = ComponentId.parse("kafka/in");

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final MemoryLimiter memory = new MemoryLimiter(64L << 20);
  private final RecordingExporter exporter = new RecordingExporter();
  private ExporterRunner runner;

  private ExporterRunner runner(int queueSize) {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    c.sendingQueue.queueSize = queueSize;
    runner =
        new ExporterRunner(
            ComponentContext.of(ComponentId.parse("kafka/dlq"), ComponentKind.EXPORTER, metrics),
            exporter,
            c);
    return runner;
  }

  @AfterEach
  void stop() {
    exporter.unblock();
    if (runner != null) runner.shutdown(Instant.now().plusSeconds(5));
  }

  private long counted() {
    return metrics.counterSum(
        ReceiverDeadLetters.METRIC, "receiver", "kafka/in", "dead_letter", "kafka/dlq");
  }

  @Test
  void anOfferedCopyIsMarkedWithTheReasonTheMessageAndTheReceiverAndCounted() throws Exception {
    runner(8).start(new HealthRegistry());
    DeadLetters deadLetters = new ReceiverDeadLetters(RECEIVER, runner, metrics, memory);
    LogsBatch records = TestBatches.logs("poison", 2);

    assertThat(deadLetters.offer(records, "invalid_protobuf", "x".repeat(3000)))
        .isEqualTo(Admission.ACCEPTED);

    await().atMost(WAIT).until(() -> exporter.recordCount() == 2);
    Attributes resource =
        ((LogsBatch) exporter.pushed().get(0)).resourceLogs().get(0).resource().attributes();
    assertThat(resource.get(DeadLetters.ERROR_REASON)).isEqualTo("invalid_protobuf");
    assertThat((String) resource.get(DeadLetters.ERROR_MESSAGE)).hasSize(1024);
    assertThat(resource.get(DeadLetters.RECEIVER)).isEqualTo("kafka/in");
    assertThat(resource.get(DeadLetters.EXPORTER)).isNull();
    assertThat(records.resourceLogs().get(0).resource().attributes().get(DeadLetters.ERROR_REASON))
        .as("the caller's records are left as they were")
        .isNull();
    assertThat(counted()).isEqualTo(2);
    await().atMost(WAIT).until(() -> memory.used() == 0);
  }

  @Test
  void aFullQueueRefusesAtOnceAndTheCallerOffersAgainLater() throws Exception {
    runner(1).start(new HealthRegistry());
    DeadLetters deadLetters = new ReceiverDeadLetters(RECEIVER, runner, metrics, memory);
    exporter.block();
    assertThat(deadLetters.offer(TestBatches.logs("a", 1), "no_value", "tombstone"))
        .isEqualTo(Admission.ACCEPTED);
    await()
        .atMost(WAIT)
        .until(() -> exporter.attempts.get() == 1); // the sender holds it, stuck in push
    assertThat(deadLetters.offer(TestBatches.logs("b", 1), "no_value", "tombstone"))
        .isEqualTo(Admission.ACCEPTED);
    long held = memory.used();

    LogsBatch refused = TestBatches.logs("c", 1);
    long before = System.nanoTime();
    assertThat(deadLetters.offer(refused, "no_value", "tombstone"))
        .isEqualTo(Admission.REFUSED_FULL);
    assertThat(Duration.ofNanos(System.nanoTime() - before))
        .as("a refusal does not wait for room")
        .isLessThan(Duration.ofSeconds(5));
    assertThat(memory.used()).as("the refused copy gave its memory back").isEqualTo(held);
    assertThat(counted()).isEqualTo(2);

    exporter.unblock();
    await()
        .atMost(WAIT)
        .until(() -> deadLetters.offer(refused, "no_value", "tombstone").accepted());
    await().atMost(WAIT).until(() -> exporter.recordCount() == 3);
    assertThat(exporter.bodies()).containsExactly("a-0", "b-0", "c-0");
    assertThat(counted()).isEqualTo(3);
  }

  @Test
  void anExporterNotStartedOrStoppingRefusesAsShuttingDown() throws Exception {
    runner(8);
    DeadLetters deadLetters = new ReceiverDeadLetters(RECEIVER, runner, metrics, memory);
    assertThat(deadLetters.offer(TestBatches.logs("early", 1), "no_value", ""))
        .isEqualTo(Admission.REFUSED_SHUTTING_DOWN);

    runner.start(new HealthRegistry());
    runner.shutdown(Instant.now().plusSeconds(5));

    assertThat(deadLetters.offer(TestBatches.logs("late", 1), "no_value", ""))
        .isEqualTo(Admission.REFUSED_SHUTTING_DOWN);
    assertThat(counted()).isZero();
    assertThat(memory.used()).isZero();
  }
}
