package io.stacklens.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterConfig.QueueSettings.Storage;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.RoutingProcessor;
import io.stacklens.agent.config.Delivery;
import io.stacklens.agent.config.WaitStrategy;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Acknowledgement.Outcome;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code delivery: end_to_end}: a receiver's acknowledgement is settled only once every exporter
 * the records were handed to delivered them (or failed them permanently), and fails when an
 * exporter gives up on them.
 */
class EndToEndDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ComponentId A = ComponentId.parse("rec/a");
  private static final ComponentId B = ComponentId.parse("rec/b");

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final HealthRegistry host = new HealthRegistry();
  private final List<Pipeline> pipelines = new ArrayList<>();
  private final List<ExporterRunner> runners = new ArrayList<>();

  @TempDir Path dataDir;

  @AfterEach
  void stop() {
    for (Pipeline p : pipelines) p.shutdown(Instant.now().plusSeconds(5));
    for (ExporterRunner r : runners) r.shutdown(Instant.now().plusSeconds(5));
  }

  private ExporterRunner runner(RecordingExporter exporter, ComponentId id, ExporterConfig c)
      throws Exception {
    ExporterRunner r =
        ExporterRunner.create(
            ComponentContext.of(id, ComponentKind.EXPORTER, metrics), exporter, c, dataDir);
    r.start(host);
    runners.add(r);
    return r;
  }

  private static ExporterConfig config() {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    c.retryOnFailure.initialInterval = Duration.ofMillis(5);
    c.retryOnFailure.maxInterval = Duration.ofMillis(20);
    return c;
  }

  private Pipeline pipeline(List<Pipeline.Stage> stages, ExporterRunner... exporters)
      throws Exception {
    Pipeline p =
        new Pipeline("logs", 64, 100_000, WaitStrategy.PARK, stages, List.of(exporters), metrics);
    p.delivery(Delivery.END_TO_END);
    p.start(host);
    pipelines.add(p);
    return p;
  }

  /** Offers a batch as a receiver does and returns the answer it would wait for. */
  private static CompletableFuture<Outcome> offer(Pipeline p, Batch batch) {
    Acknowledgement ack = Acknowledgement.attachTo(batch);
    assertThat(p.consume(batch)).isEqualTo(Admission.ACCEPTED);
    ack.done(); // the receiver's own party
    return ack.answer();
  }

  private static Outcome outcome(CompletableFuture<Outcome> answer) {
    await().atMost(WAIT).until(answer::isDone);
    return answer.join();
  }

  @Test
  void answersOnlyOnceEveryExporterDeliveredAndFlushed() throws Exception {
    RecordingExporter slow = new RecordingExporter();
    RecordingExporter fast = new RecordingExporter();
    slow.block();
    Pipeline p = pipeline(List.of(), runner(slow, A, config()), runner(fast, B, config()));

    CompletableFuture<Outcome> answer = offer(p, TestBatches.logs("r", 10));

    await().atMost(WAIT).until(() -> fast.flushed && slow.attempts.get() == 1);
    assertThat(fast.recordCount()).isEqualTo(10);
    assertThat(answer).isNotDone(); // one exporter is still pushing
    slow.unblock();
    assertThat(outcome(answer)).isEqualTo(Outcome.DONE);
    assertThat(slow.recordCount()).isEqualTo(10);
    assertThat(slow.flushed).isTrue();
  }

  @Test
  void anExporterThatGivesUpFailsTheAnswer() throws Exception {
    RecordingExporter failing = new RecordingExporter();
    failing.failNext(1, ExportException.retryable("broker down"));
    ExporterConfig noRetries = config();
    noRetries.retryOnFailure.enabled = false;
    Pipeline p = pipeline(List.of(), runner(failing, A, noRetries));

    assertThat(outcome(offer(p, TestBatches.logs("r", 3)))).isEqualTo(Outcome.FAILED);
    assertThat(
            metrics.counterSum("stacklens_exporter_send_failed_records_total", "exporter", "rec/a"))
        .isEqualTo(3);
  }

  @Test
  void aPermanentFailureIsAnAnswerRetryingCannotChange() throws Exception {
    RecordingExporter rejecting = new RecordingExporter();
    rejecting.failNext(1, ExportException.permanent("schema mismatch"));
    Pipeline p = pipeline(List.of(), runner(rejecting, A, config()));

    assertThat(outcome(offer(p, TestBatches.logs("r", 3)))).isEqualTo(Outcome.DONE);
  }

  @Test
  void retriesAreWaitedFor() throws Exception {
    RecordingExporter flaky = new RecordingExporter();
    flaky.failNext(3, ExportException.retryable("timeout"));
    Pipeline p = pipeline(List.of(), runner(flaky, A, config()));

    assertThat(outcome(offer(p, TestBatches.logs("r", 4)))).isEqualTo(Outcome.DONE);
    assertThat(flaky.attempts.get()).isEqualTo(4);
    assertThat(flaky.recordCount()).isEqualTo(4);
  }

  @Test
  void recordsTheProcessorsDroppedNeedNoDelivery() throws Exception {
    RecordingExporter exporter = new RecordingExporter();
    Processor dropAll = batch -> null;
    Pipeline p =
        pipeline(
            List.of(new Pipeline.Stage(ComponentId.parse("filter/all"), dropAll)),
            runner(exporter, A, config()));

    assertThat(outcome(offer(p, TestBatches.logs("r", 5)))).isEqualTo(Outcome.DONE);
    assertThat(exporter.attempts.get()).isZero();
  }

  @Test
  void routedRecordsAreAnsweredOnceTheExporterTheyWereRoutedToDelivered() throws Exception {
    RecordingExporter unused = new RecordingExporter();
    RecordingExporter target = new RecordingExporter();
    target.block();
    RoutingProcessor toB = (batch, sink) -> sink.send(batch, List.of(B));
    Pipeline p =
        pipeline(
            List.of(new Pipeline.Stage(ComponentId.parse("route"), toB)),
            runner(unused, A, config()),
            runner(target, B, config()));

    CompletableFuture<Outcome> answer = offer(p, TestBatches.logs("r", 2));

    await().atMost(WAIT).until(() -> target.attempts.get() == 1);
    assertThat(answer).isNotDone();
    target.unblock();
    assertThat(outcome(answer)).isEqualTo(Outcome.DONE);
    assertThat(unused.attempts.get()).isZero();
  }

  @Test
  void aDiskQueueAnswersAfterDeliveryNotAfterTheWrite() throws Exception {
    RecordingExporter exporter = new RecordingExporter();
    exporter.block();
    ExporterConfig disk = config();
    disk.sendingQueue.storage = Storage.DISK;
    Pipeline p = pipeline(List.of(), runner(exporter, A, disk));

    CompletableFuture<Outcome> answer = offer(p, TestBatches.logs("r", 2));

    // Written, synced and handed to the exporter: still not delivered.
    await().atMost(WAIT).until(() -> exporter.attempts.get() == 1);
    assertThat(answer).isNotDone();
    exporter.unblock();
    assertThat(outcome(answer)).isEqualTo(Outcome.DONE);
  }

  @Test
  void whatAnExporterStillHeldAtItsShutdownDeadlineFailsItsAnswer() throws Exception {
    RecordingExporter stuck = new RecordingExporter();
    stuck.block();
    ExporterRunner r = runner(stuck, A, config());
    Pipeline p = pipeline(List.of(), r);

    CompletableFuture<Outcome> pushing = offer(p, TestBatches.logs("r", 2));
    await().atMost(WAIT).until(() -> stuck.attempts.get() == 1);
    CompletableFuture<Outcome> queued = offer(p, TestBatches.logs("q", 2));
    p.shutdown(Instant.now().plusSeconds(10));
    // The exporter stays blocked, so both are still held at the deadline however busy the machine
    // is; the deadline only has to pass.
    r.shutdown(Instant.now().plusSeconds(1));

    assertThat(outcome(pushing)).isEqualTo(Outcome.FAILED);
    assertThat(outcome(queued)).isEqualTo(Outcome.FAILED);
  }
}
