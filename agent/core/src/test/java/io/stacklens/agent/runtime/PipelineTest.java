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
import io.stacklens.agent.config.WaitStrategy;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final HealthRegistry host = new HealthRegistry();

  private ExporterRunner runner(RecordingExporter exporter, String name, int queueSize)
      throws Exception {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    c.sendingQueue.queueSize = queueSize;
    ExporterRunner r =
        new ExporterRunner(
            ComponentContext.of(ComponentId.parse(name), ComponentKind.EXPORTER, metrics),
            exporter,
            c);
    r.start(host);
    return r;
  }

  /** Appends a marker attribute to every record; drops records whose body ends in "-3". */
  private static Processor marker(String value) {
    return batch -> {
      LogsBatch logs = (LogsBatch) batch;
      logs.forEachRecord(r -> r.attributes().put("seen_by", value));
      logs.resourceLogs()
          .forEach(
              rl ->
                  rl.scopeLogs()
                      .forEach(
                          sl -> sl.logRecords().removeIf(r -> r.body().toString().endsWith("-3"))));
      logs.removeEmpty();
      return logs;
    };
  }

  @Test
  void runsProcessorsInOrderAndFansOutToEveryExporter() throws Exception {
    RecordingExporter a = new RecordingExporter();
    RecordingExporter b = new RecordingExporter();
    ExporterRunner ra = runner(a, "rec/a", 10);
    ExporterRunner rb = runner(b, "rec/b", 10);
    Pipeline p =
        new Pipeline(
            "logs",
            8,
            100_000,
            WaitStrategy.PARK,
            List.of(
                new Pipeline.Stage(ComponentId.parse("marker/one"), marker("one")),
                new Pipeline.Stage(ComponentId.parse("marker/two"), marker("two"))),
            List.of(ra, rb),
            metrics);
    p.start(host);
    assertThat(p.consume(TestBatches.logs("r", 5))).isEqualTo(Admission.ACCEPTED);
    await().atMost(Duration.ofSeconds(5)).until(() -> a.recordCount() == 4 && b.recordCount() == 4);
    assertThat(a.bodies()).containsExactly("r-0", "r-1", "r-2", "r-4");
    ((LogsBatch) a.pushed().get(0))
        .forEachRecord(r -> assertThat(r.attributes().get("seen_by")).isEqualTo("two"));
    assertThat(
            metrics.counterValue(
                "stacklens_processor_incoming_records_total",
                "processor",
                "marker/one",
                "pipeline",
                "logs"))
        .isEqualTo(5);
    assertThat(
            metrics.counterValue(
                "stacklens_processor_outgoing_records_total",
                "processor",
                "marker/one",
                "pipeline",
                "logs"))
        .isEqualTo(4);
    p.shutdown(Instant.now().plusSeconds(5));
    ra.shutdown(Instant.now().plusSeconds(5));
    rb.shutdown(Instant.now().plusSeconds(5));
  }

  @Test
  void refusesWhenTheRingIsFullAndDeliversEverythingOnceUnblocked() throws Exception {
    RecordingExporter slow = new RecordingExporter();
    slow.block();
    ExporterRunner r = runner(slow, "rec", 1);
    Pipeline p =
        new Pipeline("logs", 2, 100_000, WaitStrategy.PARK, List.of(), List.of(r), metrics);
    p.start(host);

    // A client that retries refused batches: nothing may be lost, and refusals must happen.
    List<Batch> pending = new ArrayList<>();
    for (int i = 0; i < 20; i++) pending.add(TestBatches.logs("b" + i, 10));
    int refusals = 0;
    List<Batch> retry = new ArrayList<>(pending);
    while (!retry.isEmpty()) {
      Batch next = retry.get(0);
      Admission answer = p.consume(next);
      if (answer == Admission.ACCEPTED) {
        retry.remove(0);
      } else {
        assertThat(answer).isEqualTo(Admission.REFUSED_FULL);
        refusals++;
        if (refusals == 5) slow.unblock();
        Thread.sleep(2);
      }
    }
    assertThat(refusals).isGreaterThanOrEqualTo(5);
    await().atMost(Duration.ofSeconds(5)).until(() -> slow.recordCount() == 200);
    assertThat(
            metrics.counterValue(
                "stacklens_pipeline_refused_records_total",
                "pipeline",
                "logs",
                "reason",
                "ring_full"))
        .isEqualTo(refusals * 10L);
    p.shutdown(Instant.now().plusSeconds(5));
    r.shutdown(Instant.now().plusSeconds(5));
  }

  @Test
  void theRingIsBoundedByRecordsAsWellAsBatches() throws Exception {
    RecordingExporter slow = new RecordingExporter();
    slow.block();
    ExporterRunner r = runner(slow, "rec", 1);
    Pipeline p = new Pipeline("logs", 64, 25, WaitStrategy.PARK, List.of(), List.of(r), metrics);
    p.start(host);
    Admission last = Admission.ACCEPTED;
    for (int i = 0; i < 100 && last.accepted(); i++) {
      last = p.consume(TestBatches.logs("b" + i, 10));
      Thread.sleep(5);
    }
    assertThat(last).isEqualTo(Admission.REFUSED_FULL);
    assertThat(metrics.gaugeValue("stacklens_pipeline_ring_records", "pipeline", "logs"))
        .isBetween(1.0, 25.0);
    assertThat(metrics.gaugeValue("stacklens_pipeline_ring_size", "pipeline", "logs"))
        .isLessThan(64.0);
    slow.unblock();
    p.shutdown(Instant.now().plusSeconds(5));
    r.shutdown(Instant.now().plusSeconds(5));
  }

  @Test
  void aBatchLargerThanTheRecordBoundStillEntersAnEmptyRing() throws Exception {
    RecordingExporter e = new RecordingExporter();
    ExporterRunner r = runner(e, "rec", 10);
    Pipeline p = new Pipeline("logs", 8, 25, WaitStrategy.PARK, List.of(), List.of(r), metrics);
    p.start(host);
    assertThat(p.consume(TestBatches.logs("big", 100))).isEqualTo(Admission.ACCEPTED);
    await().atMost(Duration.ofSeconds(5)).until(() -> e.recordCount() == 100);
    assertThat(metrics.gaugeValue("stacklens_pipeline_ring_records", "pipeline", "logs")).isZero();
    p.shutdown(Instant.now().plusSeconds(5));
    r.shutdown(Instant.now().plusSeconds(5));
  }

  @Test
  void shutdownDrainsTheRingAndThenRefusesNewBatches() throws Exception {
    RecordingExporter e = new RecordingExporter();
    ExporterRunner r = runner(e, "rec", 100);
    Pipeline p =
        new Pipeline("logs", 64, 100_000, WaitStrategy.PARK, List.of(), List.of(r), metrics);
    p.start(host);
    for (int i = 0; i < 50; i++)
      assertThat(p.consume(TestBatches.logs("s" + i, 3))).isEqualTo(Admission.ACCEPTED);
    p.shutdown(Instant.now().plusSeconds(5));
    assertThat(p.consume(TestBatches.logs("late", 1))).isEqualTo(Admission.REFUSED_SHUTTING_DOWN);
    r.shutdown(Instant.now().plusSeconds(5));
    assertThat(e.recordCount()).isEqualTo(150);
  }

  @Test
  void aFailingProcessorDropsOnlyItsBatchAndCountsIt() throws Exception {
    RecordingExporter e = new RecordingExporter();
    ExporterRunner r = runner(e, "rec", 100);
    Processor flaky =
        batch -> {
          if (((LogsBatch) batch).recordCount() == 2) throw new IllegalStateException("boom");
          return batch;
        };
    Pipeline p =
        new Pipeline(
            "logs/x",
            8,
            100_000,
            WaitStrategy.YIELD,
            List.of(new Pipeline.Stage(ComponentId.of("flaky"), flaky)),
            List.of(r),
            metrics);
    p.start(host);
    p.consume(TestBatches.logs("ok", 3));
    p.consume(TestBatches.logs("bad", 2));
    p.consume(TestBatches.logs("ok2", 4));
    await().atMost(Duration.ofSeconds(5)).until(() -> e.recordCount() == 7);
    assertThat(
            metrics.counterValue(
                "stacklens_processor_dropped_records_total",
                "processor",
                "flaky",
                "pipeline",
                "logs/x",
                "reason",
                "processor_error"))
        .isEqualTo(2);
    p.shutdown(Instant.now().plusSeconds(5));
    r.shutdown(Instant.now().plusSeconds(5));
  }
}
