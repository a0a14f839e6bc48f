package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExporterRunnerTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final RecordingExporter exporter = new RecordingExporter();
  private ExporterRunner runner;

  private ExporterConfig config() {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    c.retryOnFailure.initialInterval = Duration.ofMillis(5);
    c.retryOnFailure.maxInterval = Duration.ofMillis(20);
    c.timeout = Duration.ofSeconds(5);
    return c;
  }

  private ExporterRunner start(ExporterConfig c) throws Exception {
    runner =
        new ExporterRunner(
            ComponentContext.of(ComponentId.of("rec"), ComponentKind.EXPORTER, metrics),
            exporter,
            c);
    runner.start(new HealthRegistry());
    return runner;
  }

  @AfterEach
  void stop() {
    exporter.unblock();
    if (runner != null) runner.shutdown(Instant.now().plusSeconds(5));
  }

  private long sent() {
    return metrics.counterValue(
        "stacklens_exporter_sent_records_total", "exporter", "rec", "signal", "logs");
  }

  private long failed(String reason, boolean permanent) {
    return metrics.counterValue(
        "stacklens_exporter_send_failed_records_total",
        "exporter",
        "rec",
        "signal",
        "logs",
        "permanent",
        Boolean.toString(permanent),
        "reason",
        reason);
  }

  @Test
  void retriesRetryableErrorsWithBackoffUntilTheyPass() throws Exception {
    exporter.failNext(3, ExportException.retryable("broker unavailable"));
    start(config()).enqueue(TestBatches.logs("a", 10));
    await().atMost(Duration.ofSeconds(5)).until(() -> sent() == 10);
    assertThat(exporter.attempts.get()).isEqualTo(4);
    assertThat(exporter.recordCount()).isEqualTo(10);
  }

  @Test
  void dropsPermanentErrorsAtOnceAndCountsThem() throws Exception {
    exporter.failNext(1, ExportException.permanent("schema mismatch"));
    start(config()).enqueue(TestBatches.logs("a", 7));
    await().atMost(Duration.ofSeconds(5)).until(() -> failed("permanent_error", true) == 7);
    assertThat(exporter.attempts.get()).isEqualTo(1);
    assertThat(sent()).isZero();
  }

  @Test
  void givesUpAfterMaxElapsedTimeAndCountsTheRecords() throws Exception {
    ExporterConfig c = config();
    c.retryOnFailure.maxElapsedTime = Duration.ofMillis(100);
    exporter.failNext(Integer.MAX_VALUE, ExportException.retryable("down"));
    start(c).enqueue(TestBatches.logs("a", 3));
    await().atMost(Duration.ofSeconds(5)).until(() -> failed("retries_exhausted", false) == 3);
    assertThat(exporter.attempts.get()).isGreaterThan(1);
  }

  @Test
  void interruptsAnAttemptThatExceedsTheTimeoutAndRetriesIt() throws Exception {
    ExporterConfig c = config();
    c.timeout = Duration.ofMillis(100);
    exporter.block();
    start(c).enqueue(TestBatches.logs("a", 5));
    await().atMost(Duration.ofSeconds(5)).until(() -> exporter.attempts.get() >= 2);
    exporter.unblock();
    await().atMost(Duration.ofSeconds(5)).until(() -> sent() == 5);
  }

  @Test
  void gathersSmallBatchesUpToMinSize() throws Exception {
    ExporterConfig c = config();
    c.batch.enabled = true;
    c.batch.minSize = 100;
    c.batch.maxSize = 1000;
    c.batch.flushTimeout = Duration.ofSeconds(30);
    start(c);
    for (int i = 0; i < 10; i++) runner.enqueue(TestBatches.logs("b" + i, 10));
    await().atMost(Duration.ofSeconds(5)).until(() -> sent() == 100);
    assertThat(exporter.pushed()).hasSize(1);
  }

  @Test
  void flushesAPartialBatchAfterFlushTimeout() throws Exception {
    ExporterConfig c = config();
    c.batch.enabled = true;
    c.batch.minSize = 1000;
    c.batch.flushTimeout = Duration.ofMillis(50);
    start(c).enqueue(TestBatches.logs("p", 3));
    await().atMost(Duration.ofSeconds(5)).until(() -> sent() == 3);
  }

  @Test
  void splitsBatchesLargerThanMaxSizeKeepingOrder() throws Exception {
    ExporterConfig c = config();
    c.batch.enabled = true;
    c.batch.minSize = 10;
    c.batch.maxSize = 10;
    start(c).enqueue(TestBatches.logs("s", 35));
    await().atMost(Duration.ofSeconds(5)).until(() -> sent() == 35);
    assertThat(exporter.pushed()).extracting(Batch::recordCount).containsExactly(10, 10, 10, 5);
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < 35; i++) expected.add("s-" + i);
    assertThat(exporter.bodies()).isEqualTo(expected);
  }

  @Test
  void shutdownDrainsTheQueueAndFlushesTheExporter() throws Exception {
    ExporterConfig c = config();
    c.sendingQueue.queueSize = 200;
    start(c);
    for (int i = 0; i < 100; i++) runner.enqueue(TestBatches.logs("d" + i, 2));
    runner.shutdown(Instant.now().plusSeconds(10));
    assertThat(exporter.recordCount()).isEqualTo(200);
    assertThat(exporter.flushed).isTrue();
    assertThat(exporter.shutDown).isTrue();
  }

  @Test
  void countsWhatIsStillQueuedWhenTheShutdownDeadlinePasses() throws Exception {
    ExporterConfig c = config();
    c.sendingQueue.queueSize = 10;
    exporter.block();
    start(c);
    for (int i = 0; i < 5; i++) runner.enqueue(TestBatches.logs("x" + i, 4));
    runner.shutdown(Instant.now().plusMillis(300));
    long lost = failed("shutdown_timeout", false);
    assertThat(lost + sent()).isEqualTo(20);
    assertThat(lost).isPositive();
  }
}
