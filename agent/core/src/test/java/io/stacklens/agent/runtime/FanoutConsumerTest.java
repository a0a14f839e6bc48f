package io.stacklens.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.config.WaitStrategy;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One receiver feeding two pipelines: all or nothing, and never waiting. */
class FanoutConsumerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

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

  private Pipeline pipeline(String name, RecordingExporter exporter) throws Exception {
    return pipeline(name, exporter, 4);
  }

  private Pipeline pipeline(String name, RecordingExporter exporter, int ringSize)
      throws Exception {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    c.sendingQueue.queueSize = 1;
    ExporterRunner r =
        new ExporterRunner(
            ComponentContext.of(
                ComponentId.parse("debug/" + name), ComponentKind.EXPORTER, metrics),
            exporter,
            c);
    r.start(host);
    runners.add(r);
    Pipeline p =
        new Pipeline(
            name,
            ringSize,
            1_000,
            Long.MAX_VALUE,
            WaitStrategy.PARK,
            List.of(),
            List.of(r),
            metrics,
            memory);
    p.start(host);
    pipelines.add(p);
    return p;
  }

  private FanoutConsumer fanout(Pipeline... targets) {
    List<Counter> dropped = new ArrayList<>();
    for (Pipeline p : targets) {
      dropped.add(
          metrics.counter(
              "stacklens_pipeline_dropped_records_total",
              "Records a pipeline could not hand to an exporter",
              "pipeline",
              p.name(),
              "reason",
              "shutting_down"));
    }
    return new FanoutConsumer(List.of(targets), dropped, memory);
  }

  @Test
  void aRequestIsDeliveredToEveryPipeline() throws Exception {
    RecordingExporter a = new RecordingExporter();
    RecordingExporter b = new RecordingExporter();
    FanoutConsumer fanout = fanout(pipeline("a", a), pipeline("b", b));

    assertThat(fanout.consume(TestBatches.logs("r", 3))).isEqualTo(Admission.ACCEPTED);

    await().atMost(WAIT).until(() -> a.recordCount() == 3 && b.recordCount() == 3);
    assertThat(a.pushed().get(0))
        .as("each pipeline has its own copy")
        .isNotSameAs(b.pushed().get(0));
  }

  @Test
  void whenOnePipelineIsFullTheRequestIsRefusedAtOnceAndNoPipelineTakesIt() throws Exception {
    RecordingExporter fast = new RecordingExporter();
    RecordingExporter slow = new RecordingExporter();
    slow.block();
    Pipeline first =
        pipeline("first", fast, 1024); // never the full one, however fast the test pushes
    Pipeline second = pipeline("second", slow);
    FanoutConsumer fanout = fanout(first, second);

    // Fill the second pipeline: its exporter holds one push, its queue one batch, its ring the
    // rest.
    int accepted = 0;
    long refusedAt = -1;
    for (int i = 0; i < 50 && refusedAt < 0; i++) {
      long start = System.nanoTime();
      Admission a = fanout.consume(TestBatches.logs("r" + i, 1));
      if (a == Admission.REFUSED_FULL) {
        refusedAt = System.nanoTime() - start;
      } else {
        assertThat(a).isEqualTo(Admission.ACCEPTED);
        accepted++;
      }
    }
    assertThat(refusedAt)
        .as("a request was refused once the second pipeline filled")
        .isGreaterThanOrEqualTo(0);
    assertThat(Duration.ofNanos(refusedAt))
        .as("refused without waiting for room")
        .isLessThan(Duration.ofSeconds(1));
    int acceptedBeforeRefusal = accepted;
    await().atMost(WAIT).until(() -> fast.recordCount() == acceptedBeforeRefusal);
    assertThat(
            metrics.counterValue(
                "stacklens_pipeline_refused_records_total",
                "pipeline",
                "second",
                "reason",
                "ring_full"))
        .isEqualTo(1);

    slow.unblock();
    await().atMost(WAIT).until(() -> slow.recordCount() == acceptedBeforeRefusal);
    assertThat(fast.recordCount())
        .as("the refused request reached neither pipeline")
        .isEqualTo(acceptedBeforeRefusal);
    assertThat(fanout.consume(TestBatches.logs("again", 1))).isEqualTo(Admission.ACCEPTED);
    await()
        .atMost(WAIT)
        .until(
            () ->
                fast.recordCount() == acceptedBeforeRefusal + 1
                    && slow.recordCount() == acceptedBeforeRefusal + 1);
  }

  @Test
  void aRefusedRequestGivesBackWhatTheOtherPipelinesReserved() throws Exception {
    RecordingExporter fast = new RecordingExporter();
    RecordingExporter slow = new RecordingExporter();
    slow.block();
    Pipeline first =
        pipeline("first", fast, 1024); // never the full one, however fast the test pushes
    Pipeline second = pipeline("second", slow);
    FanoutConsumer fanout = fanout(first, second);
    // Fill the second pipeline until its worker is stuck on the blocked exporter and its ring is
    // full.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () ->
                fanout.consume(TestBatches.logs("fill", 1)) == Admission.REFUSED_FULL
                    && metrics.gaugeValue("stacklens_pipeline_ring_size", "pipeline", "second")
                        == 4);

    // The first pipeline keeps its whole ring for its own direct traffic: 100 refusals took
    // nothing.
    for (int i = 0; i < 100; i++)
      assertThat(fanout.consume(TestBatches.logs("x", 1))).isEqualTo(Admission.REFUSED_FULL);
    await()
        .atMost(WAIT)
        .until(
            () -> metrics.gaugeValue("stacklens_pipeline_ring_records", "pipeline", "first") == 0);
    assertThat(metrics.gaugeValue("stacklens_pipeline_ring_size", "pipeline", "first")).isZero();
    slow.unblock();
  }

  @Test
  void aStoppedPipelineRefusesTheRequestAsShuttingDown() throws Exception {
    Pipeline first = pipeline("first", new RecordingExporter());
    Pipeline second = pipeline("second", new RecordingExporter());
    FanoutConsumer fanout = fanout(first, second);
    second.shutdown(Instant.now().plusSeconds(5));

    Batch batch = TestBatches.logs("late", 2);
    assertThat(fanout.consume(batch)).isEqualTo(Admission.REFUSED_SHUTTING_DOWN);
    assertThat(
            metrics.counterValue(
                "stacklens_pipeline_refused_records_total",
                "pipeline",
                "first",
                "reason",
                "ring_full"))
        .isZero();
    assertThat(((LogsBatch) batch).recordCount()).isEqualTo(2);
  }
}
