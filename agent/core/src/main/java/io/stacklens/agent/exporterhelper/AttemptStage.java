package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.telemetry.LatencyHistogram;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The timeout stage: one {@link Exporter#push} under the per-attempt {@code timeout}. A watchdog
 * interrupts the sender when the attempt runs over, and the attempt then fails retryably. The
 * outcome is returned, not thrown: null when the push succeeded, or its failure.
 */
final class AttemptStage {
  private final Exporter exporter;
  private final Duration timeout;
  private final ScheduledExecutorService watchdog;
  private final LatencyHistogram latency;

  AttemptStage(
      Exporter exporter,
      Duration timeout,
      ScheduledExecutorService watchdog,
      LatencyHistogram latency) {
    this.exporter = exporter;
    this.timeout = timeout;
    this.watchdog = watchdog;
    this.latency = latency;
  }

  /**
   * Pushes {@code batch} once. Throws InterruptedException only for a real stop request (an
   * interrupt that is not the watchdog's).
   */
  ExportException attempt(Batch batch) throws InterruptedException {
    Thread self = Thread.currentThread();
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> timer =
        watchdog.schedule(
            () -> {
              timedOut.set(true);
              self.interrupt();
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    long start = System.nanoTime();
    ExportException outcome;
    try {
      exporter.push(batch);
      outcome = null;
    } catch (ExportException e) {
      if (timedOut.get() && e.rejectedCount() == 0) {
        ExportException late =
            ExportException.retryable("timed out after " + Durations.format(timeout), e);
        if (e.unsent() != null) late = late.withUnsent(e.unsent());
        outcome = e.retryAfter() == null ? late : late.withRetryAfter(e.retryAfter());
      } else { // includes records the destination refused: it answered, whatever the clock says
        outcome = e;
      }
    } catch (RuntimeException e) {
      // A bug or unexpected state in the exporter: retrying will not help.
      outcome = ExportException.permanent("unexpected " + e, e);
    } finally {
      timer.cancel(false);
      latency.recordNanos(System.nanoTime() - start);
    }
    if (Thread.interrupted() && !timedOut.get()) {
      throw new InterruptedException(); // a real stop request, not our timeout
    }
    return outcome;
  }
}
