package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a destination tells the exporter helper beside "failed": the wait it asks for ({@link
 * ExportException#retryAfter()}) and records it took but refused ({@link
 * ExportException#rejected}).
 */
class RetryHintsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ID = "hinted";

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final TimedExporter exporter = new TimedExporter();
  private final List<ExporterRunner> runners = new ArrayList<>();

  /** A {@link RecordingExporter} that also notes when each push began. */
  private static final class TimedExporter implements Exporter {
    final RecordingExporter recording = new RecordingExporter();
    final List<Long> pushNanos = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void start(Host host) {}

    @Override
    public void push(Batch batch) throws ExportException {
      pushNanos.add(System.nanoTime());
      recording.push(batch);
    }

    @Override
    public void shutdown(Instant deadline) {}

    /** Milliseconds between the start of push {@code i} and of push {@code i + 1}. */
    long gapMillis(int i) {
      synchronized (pushNanos) {
        return TimeUnit.NANOSECONDS.toMillis(pushNanos.get(i + 1) - pushNanos.get(i));
      }
    }
  }

  /** Short backoff, so that any long wait comes from the hint. */
  private static ExporterConfig config() {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    c.retryOnFailure.initialInterval = Duration.ofMillis(5);
    c.retryOnFailure.maxInterval = Duration.ofMillis(20);
    c.timeout = Duration.ofSeconds(30);
    return c;
  }

  private ExporterRunner runner(String id, Exporter exporter, ExporterConfig config) {
    ExporterRunner r =
        new ExporterRunner(
            ComponentContext.of(ComponentId.parse(id), ComponentKind.EXPORTER, metrics),
            exporter,
            config);
    runners.add(0, r); // shut down in reverse order of creation: a dead-letter target last
    return r;
  }

  private ExporterRunner start(ExporterConfig config) throws Exception {
    ExporterRunner r = runner(ID, exporter, config);
    r.start(new HealthRegistry());
    return r;
  }

  @AfterEach
  void stop() {
    exporter.recording.unblock();
    for (ExporterRunner r : runners) r.shutdown(Instant.now().plusSeconds(5));
  }

  private long sent() {
    return metrics.counterValue(
        "stacklens_exporter_sent_records_total", "exporter", ID, "signal", "logs");
  }

  private long failed(String reason, boolean permanent) {
    return metrics.counterValue(
        "stacklens_exporter_send_failed_records_total",
        "exporter",
        ID,
        "signal",
        "logs",
        "permanent",
        Boolean.toString(permanent),
        "reason",
        reason);
  }

  private long allFailed() {
    return metrics.counterSum("stacklens_exporter_send_failed_records_total", "exporter", ID);
  }

  // Retry-After / RetryInfo

  @Test
  void aRetryAfterHintMakesTheNextAttemptWaitAtLeastThatLong() throws Exception {
    exporter.recording.failNext(
        1, ExportException.retryable("throttled").withRetryAfter(Duration.ofSeconds(1)));

    start(config()).enqueue(TestBatches.logs("a", 5));

    await().atMost(WAIT).until(() -> sent() == 5);
    assertThat(exporter.pushNanos).hasSize(2);
    assertThat(exporter.gapMillis(0)).isGreaterThanOrEqualTo(900);
    assertThat(allFailed()).isZero();
  }

  @Test
  void theHintHoldsForEveryRetryItIsGivenFor() throws Exception {
    exporter.recording.failNext(
        2, ExportException.retryable("throttled").withRetryAfter(Duration.ofMillis(500)));

    start(config()).enqueue(TestBatches.logs("a", 3));

    await().atMost(WAIT).until(() -> sent() == 3);
    assertThat(exporter.pushNanos).hasSize(3);
    assertThat(exporter.gapMillis(0)).isGreaterThanOrEqualTo(450);
    assertThat(exporter.gapMillis(1)).isGreaterThanOrEqualTo(450);
  }

  @Test
  void aHintShorterThanTheBackoffDoesNotShortenIt() throws Exception {
    ExporterConfig c = config();
    c.retryOnFailure.initialInterval = Duration.ofSeconds(1);
    c.retryOnFailure.maxInterval = Duration.ofSeconds(1);
    c.retryOnFailure.randomizationFactor = 0;
    exporter.recording.failNext(
        1, ExportException.retryable("throttled").withRetryAfter(Duration.ofMillis(10)));

    start(c).enqueue(TestBatches.logs("a", 2));

    await().atMost(WAIT).until(() -> sent() == 2);
    assertThat(exporter.gapMillis(0)).isGreaterThanOrEqualTo(900);
  }

  @Test
  void aHintLongerThanMaxElapsedTimeGivesUpAtOnce() throws Exception {
    ExporterConfig c = config();
    c.retryOnFailure.maxElapsedTime = Duration.ofSeconds(2);
    exporter.recording.failNext(
        Integer.MAX_VALUE,
        ExportException.retryable("come back later").withRetryAfter(Duration.ofHours(1)));

    start(c).enqueue(TestBatches.logs("a", 4));

    await().atMost(WAIT).until(() -> failed("retries_exhausted", false) == 4);
    assertThat(exporter.recording.attempts.get()).isEqualTo(1);
    assertThat(sent()).isZero();
  }

  @Test
  void aHintTooLongForNanosecondsGivesUpLikeAnyLongHint() throws Exception {
    // A Retry-After of "99999999999" seconds or an HTTP-date in year 9999 parses to such a wait.
    ExporterConfig c = config();
    c.retryOnFailure.maxElapsedTime = Duration.ofSeconds(2);
    exporter.recording.failNext(
        Integer.MAX_VALUE,
        ExportException.retryable("come back much later")
            .withRetryAfter(Duration.ofDays(365L * 1000)));

    start(c).enqueue(TestBatches.logs("a", 4));

    await().atMost(WAIT).until(() -> failed("retries_exhausted", false) == 4);
    assertThat(exporter.recording.attempts.get()).isEqualTo(1);
  }

  @Test
  void aHintWithRetriesDisabledDropsTheBatchAtOnce() throws Exception {
    ExporterConfig c = config();
    c.retryOnFailure.enabled = false;
    exporter.recording.failNext(
        1, ExportException.retryable("throttled").withRetryAfter(Duration.ofMillis(10)));

    start(c).enqueue(TestBatches.logs("a", 3));

    await().atMost(WAIT).until(() -> failed("send_failed", false) == 3);
    assertThat(exporter.recording.attempts.get()).isEqualTo(1);
  }

  // rejected (OTLP partial_success)

  @Test
  void aRejectionCountsTheRestAsSentAndTheRejectedAsFailedAndIsNotRetried() throws Exception {
    RecordingExporter dlq = new RecordingExporter();
    ExporterRunner target = runner("debug/dlq", dlq, config());
    ExporterRunner source = runner(ID, exporter, config());
    source.deadLetterTo(target);
    target.start(new HealthRegistry());
    source.start(new HealthRegistry());
    exporter.recording.failNext(
        1, ExportException.rejected("the server refused 3 records", 3, "partial_success"));

    source.enqueue(TestBatches.logs("a", 10));
    await().atMost(WAIT).until(() -> failed("partial_success", true) == 3);
    // A later batch goes through the same (single) sender: once it is sent, a retry of the first
    // would have come before it.
    source.enqueue(TestBatches.logs("b", 1));
    await().atMost(WAIT).until(() -> sent() == 8);

    assertThat(exporter.recording.attempts.get()).isEqualTo(2);
    assertThat(exporter.recording.bodies()).containsExactly("b-0");
    assertThat(allFailed()).isEqualTo(3);
    assertThat(metrics.counterSum("stacklens_exporter_dead_letter_records_total")).isZero();
    assertThat(dlq.recordCount()).isZero();
    assertThat(dlq.attempts.get()).isZero();
  }

  @Test
  void aRejectionOfMoreRecordsThanTheBatchHoldsFailsTheWholeBatchOnce() throws Exception {
    exporter.recording.failNext(1, ExportException.rejected("refused", 50, "partial_success"));

    start(config()).enqueue(TestBatches.logs("a", 10));

    await().atMost(WAIT).until(() -> failed("partial_success", true) == 10);
    assertThat(sent()).isZero();
    assertThat(allFailed()).isEqualTo(10);
    assertThat(exporter.recording.attempts.get()).isEqualTo(1);
  }

  @Test
  void aRejectionWithItsOwnReasonIsCountedUnderIt() throws Exception {
    exporter.recording.failNext(1, ExportException.rejected("refused", 2, "schema_mismatch"));

    start(config()).enqueue(TestBatches.logs("a", 5));

    await().atMost(WAIT).until(() -> failed("schema_mismatch", true) == 2);
    assertThat(sent()).isEqualTo(3);
  }

  // ExportException: the hint and the rejection survive every copy

  @Test
  void newFailuresAskForNoWaitAndRejectNothing() {
    ExportException retryable = ExportException.retryable("down", new RuntimeException("x"));
    ExportException permanent = ExportException.permanent("bad");

    assertThat(retryable.retryAfter()).isNull();
    assertThat(retryable.rejectedCount()).isZero();
    assertThat(permanent.retryAfter()).isNull();
    assertThat(permanent.rejectedCount()).isZero();
    assertThat(permanent.reason()).isEqualTo(ExportException.PERMANENT_ERROR);
  }

  @Test
  void withRetryAfterKeepsEverythingElse() {
    LogsBatch unsent = TestBatches.logs("u", 2);
    RuntimeException cause = new RuntimeException("503");
    ExportException original =
        ExportException.retryable("throttled", cause).withReason("throttled").withUnsent(unsent);

    ExportException hinted = original.withRetryAfter(Duration.ofSeconds(2));

    assertThat(hinted.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(hinted.isPermanent()).isFalse();
    assertThat(hinted.reason()).isEqualTo("throttled");
    assertThat(hinted.unsent()).isSameAs(unsent);
    assertThat(hinted.getMessage()).isEqualTo("throttled");
    assertThat(hinted.getCause()).isSameAs(cause);
    assertThat(hinted.getStackTrace()).isEqualTo(original.getStackTrace());
    assertThat(original.retryAfter()).as("the original is not changed").isNull();
  }

  @Test
  void withUnsentAndWithReasonKeepTheRetryAfter() {
    LogsBatch unsent = TestBatches.logs("u", 1);
    ExportException hinted =
        ExportException.retryable("throttled").withRetryAfter(Duration.ofMillis(1500));

    ExportException copy = hinted.withUnsent(unsent).withReason("quota");

    assertThat(copy.retryAfter()).isEqualTo(Duration.ofMillis(1500));
    assertThat(copy.unsent()).isSameAs(unsent);
    assertThat(copy.reason()).isEqualTo("quota");
    assertThat(copy.isPermanent()).isFalse();
  }

  @Test
  void withUnsentAndWithReasonKeepTheRejection() {
    LogsBatch unsent = TestBatches.logs("u", 4);
    ExportException rejected = ExportException.rejected("refused 3", 3, "partial_success");

    ExportException withUnsent = rejected.withUnsent(unsent);
    ExportException withReason = rejected.withReason("too_old");

    assertThat(withUnsent.rejectedCount()).isEqualTo(3);
    assertThat(withUnsent.reason()).isEqualTo("partial_success");
    assertThat(withUnsent.isPermanent()).isTrue();
    assertThat(withUnsent.unsent()).isSameAs(unsent);
    assertThat(withReason.rejectedCount()).isEqualTo(3);
    assertThat(withReason.reason()).isEqualTo("too_old");
    assertThat(withReason.isPermanent()).isTrue();
  }

  @Test
  void aRejectionIsPermanentWithItsReasonAndNoUnsentBatch() {
    ExportException rejected = ExportException.rejected("refused", 7, "partial_success");

    assertThat(rejected.isPermanent()).isTrue();
    assertThat(rejected.rejectedCount()).isEqualTo(7);
    assertThat(rejected.reason()).isEqualTo("partial_success");
    assertThat(rejected.unsent()).isNull();
    assertThat(rejected.retryAfter()).isNull();
    assertThat(rejected.getMessage()).isEqualTo("refused");
  }

  @Test
  void aRejectionOfNoRecordIsRefused() {
    assertThatThrownBy(() -> ExportException.rejected("refused", 0, "partial_success"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> ExportException.rejected("refused", -1, "partial_success"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNegativeOrMissingRetryAfterIsRefusedAndZeroIsAccepted() {
    ExportException e = ExportException.retryable("x");

    assertThatThrownBy(() -> e.withRetryAfter(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.withRetryAfter(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(e.withRetryAfter(Duration.ZERO).retryAfter()).isEqualTo(Duration.ZERO);
  }
}
