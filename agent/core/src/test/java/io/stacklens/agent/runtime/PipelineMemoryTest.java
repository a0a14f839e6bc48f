package io.stacklens.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.RoutingProcessor;
import io.stacklens.agent.config.WaitStrategy;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The memory budget through a pipeline: what a receiver handed over is held while the batch is in
 * the ring and the exporter queues, follows what processors make of it, and is given back exactly
 * once when the last exporter is done, whatever the path (fan-out, routing, drops, shutdown).
 */
class PipelineMemoryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final HealthRegistry host = new HealthRegistry();
  private final MemoryLimiter memory = new MemoryLimiter(1L << 30);
  private final List<ExporterRunner> runners = new ArrayList<>();
  private final List<Pipeline> pipelines = new ArrayList<>();

  @AfterEach
  void stop() {
    for (Pipeline p : pipelines) p.shutdown(Instant.now().plusSeconds(5));
    for (ExporterRunner r : runners) r.shutdown(Instant.now().plusSeconds(5));
  }

  private ExporterRunner runner(RecordingExporter exporter, String name, boolean batching)
      throws Exception {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = batching;
    c.batch.minSize = 30;
    c.batch.flushTimeout = Duration.ofMillis(50);
    ExporterRunner r =
        new ExporterRunner(
            ComponentContext.of(ComponentId.parse(name), ComponentKind.EXPORTER, metrics),
            exporter,
            c);
    r.start(host);
    runners.add(r);
    return r;
  }

  private Pipeline pipeline(
      long maxBytes, List<Pipeline.Stage> stages, List<ExporterRunner> exporters) throws Exception {
    Pipeline p =
        new Pipeline(
            "logs", 64, 100_000, maxBytes, WaitStrategy.PARK, stages, exporters, metrics, memory);
    p.start(host);
    pipelines.add(p);
    return p;
  }

  /** A batch as a receiver hands it over: its estimate acquired from the budget. */
  private Batch received(String prefix, int records) {
    LogsBatch batch = TestBatches.logs(prefix, records);
    long bytes = MemoryEstimate.of(batch);
    assertThat(memory.tryAcquire(bytes)).isTrue();
    batch.attachMemory(memory, bytes);
    return batch;
  }

  @Test
  void aBatchFannedOutToTwoExportersIsGivenBackOnceBothDeliveredIt() throws Exception {
    RecordingExporter a = new RecordingExporter();
    RecordingExporter b = new RecordingExporter();
    b.block();
    Pipeline p =
        pipeline(
            Long.MAX_VALUE,
            List.of(),
            List.of(runner(a, "rec/a", false), runner(b, "rec/b", true)));

    for (int i = 0; i < 10; i++)
      assertThat(p.consume(received("r" + i, 10))).isEqualTo(Admission.ACCEPTED);
    await().atMost(WAIT).until(() -> a.recordCount() == 100);
    assertThat(memory.used()).as("still held for the blocked exporter").isPositive();

    b.unblock();
    await().atMost(WAIT).until(() -> b.recordCount() == 100);
    await().atMost(WAIT).until(() -> memory.used() == 0);
  }

  @Test
  void theRingRefusesABatchThatWouldTakeItPastRingMaxBytesUnlessItIsEmpty() throws Exception {
    RecordingExporter slow = new RecordingExporter();
    slow.block();
    long oneBatch = MemoryEstimate.of(TestBatches.logs("x", 10));
    Pipeline p = pipeline(oneBatch * 3, List.of(), List.of(runner(slow, "rec", false)));

    int accepted = 0;
    Admission last = Admission.ACCEPTED;
    for (int i = 0; i < 200 && last == Admission.ACCEPTED; i++) {
      Batch b = received("x", 10);
      last = p.consume(b);
      if (last == Admission.ACCEPTED) accepted++;
      else b.releaseMemory(); // the receiver still owns a refused batch
    }
    assertThat(last).isEqualTo(Admission.REFUSED_FULL);
    assertThat(metrics.gaugeValue("stacklens_pipeline_ring_bytes", "pipeline", "logs"))
        .isLessThanOrEqualTo(oneBatch * 3);

    slow.unblock();
    int expected = accepted * 10;
    await().atMost(WAIT).until(() -> slow.recordCount() == expected);
    await().atMost(WAIT).until(() -> memory.used() == 0);
    assertThat(metrics.gaugeValue("stacklens_pipeline_ring_bytes", "pipeline", "logs")).isZero();
  }

  @Test
  void whatAProcessorAddsIsCountedUntilDeliveredAndADroppedBatchIsGivenBack() throws Exception {
    RecordingExporter out = new RecordingExporter();
    out.block();
    Processor grow =
        batch -> {
          ((LogsBatch) batch).forEachRecord(r -> r.attributes().put("added", "x".repeat(1000)));
          return batch;
        };
    Processor dropOdd =
        batch ->
            ((LogsBatch) batch).resourceLogs().get(0).scopeLogs().get(0).logRecords().size() == 7
                ? null
                : batch;
    Pipeline p =
        pipeline(
            Long.MAX_VALUE,
            List.of(
                new Pipeline.Stage(ComponentId.parse("grow"), grow),
                new Pipeline.Stage(ComponentId.parse("drop"), dropOdd)),
            List.of(runner(out, "rec", false)));

    Batch b = received("g", 5);
    long before = b.accountedBytes();
    assertThat(p.consume(b)).isEqualTo(Admission.ACCEPTED);
    await().atMost(WAIT).until(() -> memory.used() >= before + 5 * 1000);
    assertThat(p.consume(received("dropped", 7))).isEqualTo(Admission.ACCEPTED);

    out.unblock();
    await().atMost(WAIT).until(() -> out.recordCount() == 5);
    await().atMost(WAIT).until(() -> memory.used() == 0);
  }

  @Test
  void routedPartsHoldTheirOwnShareAndGiveItBack() throws Exception {
    RecordingExporter a = new RecordingExporter();
    RecordingExporter b = new RecordingExporter();
    ExporterRunner ra = runner(a, "rec/a", false);
    ExporterRunner rb = runner(b, "rec/b", true);
    RoutingProcessor router =
        (batch, sink) -> {
          LogsBatch logs = (LogsBatch) batch;
          ResourceLogs first = logs.resourceLogs().get(0);
          LogsBatch part = new LogsBatch(new ArrayList<>(List.of(first)));
          sink.send(part, List.of(ra.id(), rb.id()));
          sink.send(batch, List.of(rb.id()));
        };
    Pipeline p =
        pipeline(
            Long.MAX_VALUE,
            List.of(new Pipeline.Stage(ComponentId.parse("route"), router)),
            List.of(ra, rb));

    for (int i = 0; i < 5; i++)
      assertThat(p.consume(received("p" + i, 4))).isEqualTo(Admission.ACCEPTED);
    await().atMost(WAIT).until(() -> a.recordCount() == 20 && b.recordCount() == 40);
    await().atMost(WAIT).until(() -> memory.used() == 0);
  }

  @Test
  void whatIsLeftAtTheShutdownDeadlineIsGivenBackAndReportedLost() throws Exception {
    RecordingExporter stuck = new RecordingExporter();
    stuck.block();
    ExporterRunner r = runner(stuck, "rec", false);
    Pipeline p = pipeline(Long.MAX_VALUE, List.of(), List.of(r));
    int accepted = 0;
    for (int i = 0; i < 20; i++)
      if (p.consume(received("s" + i, 10)) == Admission.ACCEPTED) accepted++;
    await().atMost(WAIT).until(() -> stuck.attempts.get() >= 1);

    p.shutdown(Instant.now().plusMillis(300));
    r.shutdown(Instant.now().plusMillis(300));
    pipelines.clear();
    runners.clear();

    assertThat(p.lostAtShutdown() + r.lostAtShutdown()).isEqualTo(accepted * 10L);
    // The push stuck in the exporter still holds its batch; everything else was given back.
    assertThat(memory.used()).isLessThanOrEqualTo(MemoryEstimate.of(TestBatches.logs("s0", 10)));
  }
}
