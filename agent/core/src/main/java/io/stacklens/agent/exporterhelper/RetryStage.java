package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.ExporterConfig.RetrySettings;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * The retry stage: sends one batch through the {@link AttemptStage} until it is delivered, fails
 * permanently, runs out of retry time ({@code retry_on_failure.max_elapsed_time}) or out of
 * shutdown time, waiting with exponential backoff and jitter between attempts. Permanent failures
 * go to the {@link DeadLetterStage} (which drops them, counted, when no dead-letter exporter is
 * configured). A wait the destination asked for ({@link ExportException#retryAfter()}) replaces a
 * shorter backoff; records it refused without naming them ({@link ExportException#rejected}) are
 * counted failed, the rest sent. After a partial failure ({@link ExportException#unsent()}) only
 * the unsent records are retried; the rest count as sent. Every record ends counted in {@link
 * Outcomes}.
 */
final class RetryStage {
  /** What the retry stage needs to know of the helper's shutdown. */
  interface Shutdown {
    boolean closing();

    /** System.nanoTime() of the shutdown deadline; only meaningful while {@link #closing()}. */
    long deadlineNanos();

    /**
     * Whether what is not delivered stays in a persistent queue: then retries never run out ({@code
     * max_elapsed_time} does not apply: the disk holds the batch until it is delivered), and at
     * shutdown it is neither retried nor counted as lost but left for the next start.
     */
    boolean keepsUnsent();
  }

  private final ComponentContext context;
  private final String label;
  private final RetrySettings settings;
  private final AttemptStage attempts;
  private final Outcomes outcomes;
  private final Shutdown shutdown;
  private final DeadLetterStage deadLetters;
  private volatile Host host;
  private volatile String lastFailure;

  RetryStage(
      ComponentContext context,
      RetrySettings settings,
      AttemptStage attempts,
      Outcomes outcomes,
      Shutdown shutdown,
      DeadLetterStage deadLetters) {
    this.deadLetters = deadLetters;
    this.context = context;
    this.label = context.id().toString();
    this.settings = settings;
    this.attempts = attempts;
    this.outcomes = outcomes;
    this.shutdown = shutdown;
  }

  void start(Host host) {
    this.host = host;
  }

  /** Why the last attempt failed; null when the last attempt succeeded. */
  String lastFailure() {
    return lastFailure;
  }

  /**
   * Sends {@code batch} until it is finished with; throws InterruptedException when stopped (the
   * batch is then not counted).
   *
   * @return how the batch ended: {@link Sent#DONE} delivered (or failed permanently, counted and
   *     dead-lettered: retrying cannot help), {@link Sent#FAILED} given up on (retries exhausted,
   *     the shutdown deadline), {@link Sent#KEPT} left in a persistent queue for the next start
   */
  Sent send(Batch batch) throws InterruptedException {
    outcomes.startSending(batch);
    Batch current = batch;
    Backoff backoff = new Backoff(settings);
    long firstAttempt = System.nanoTime();
    long maxElapsed = settings.maxElapsedTime.toNanos();
    int attempt = 0;
    while (true) {
      attempt++;
      ExportException failure = attempts.attempt(current);
      lastFailure = failure == null ? null : describe(failure);
      if (failure == null) {
        if (outcomes.claim(current)) outcomes.sent(current);
        if (attempt > 1) host.reportStatus(context.id(), context.kind(), ComponentStatus.OK, "");
        return Sent.DONE;
      }
      Batch unsent = failure.unsent();
      if (unsent != null && unsent != current) {
        if (!outcomes.narrow(current, unsent, current.recordCount() - unsent.recordCount()))
          return Sent.FAILED;
        current = unsent;
        if (current.recordCount() == 0) {
          if (outcomes.claim(current)) outcomes.sent(current);
          return Sent.DONE;
        }
      }
      if (failure.rejectedCount() > 0) {
        if (!outcomes.claim(current)) return Sent.FAILED;
        long rejected = Math.min(failure.rejectedCount(), current.recordCount());
        outcomes.sentButRejected(current, rejected, failure.reason());
        log(
            Level.WARNING,
            "the destination took "
                + records(current)
                + " and refused "
                + rejected
                + " of them ("
                + failure.reason()
                + ": "
                + describe(failure)
                + "); not retried, and not dead-lettered: it does not say which");
        return Sent.DONE;
      }
      if (failure.isPermanent()) {
        if (!outcomes.claim(current)) return Sent.FAILED;
        outcomes.failed(current, failure.reason(), true);
        String what = records(current);
        if (deadLetters.offer(current, failure.reason(), describe(failure))) {
          log(
              Level.WARNING,
              what
                  + " failed permanently ("
                  + failure.reason()
                  + ": "
                  + describe(failure)
                  + "); sent to the dead-letter exporter");
        } else {
          log(
              Level.ERROR,
              "dropping "
                  + what
                  + ", permanent error ("
                  + failure.reason()
                  + "): "
                  + describe(failure));
        }
        return Sent.DONE;
      }
      boolean closing = shutdown.closing();
      if (closing && shutdown.keepsUnsent()) {
        outcomes.claim(current);
        log(
            Level.WARNING,
            records(current)
                + " not delivered at shutdown ("
                + describe(failure)
                + "); they stay in the disk queue for the next start");
        return Sent.KEPT;
      }
      long delay = backoff.nextDelayNanos();
      if (failure.retryAfter() != null) delay = Math.max(delay, hintNanos(failure.retryAfter()));
      long now = System.nanoTime();
      boolean outOfTime =
          !settings.enabled
              || (maxElapsed > 0
                  && !shutdown.keepsUnsent()
                  && now + delay - firstAttempt > maxElapsed)
              || (closing && now + delay - shutdown.deadlineNanos() > 0);
      if (outOfTime) {
        String reason =
            closing
                ? Outcomes.SHUTDOWN_TIMEOUT
                : settings.enabled ? "retries_exhausted" : "send_failed";
        log(
            Level.ERROR,
            "dropping "
                + records(current)
                + " after "
                + attempt
                + " attempt(s): "
                + describe(failure));
        if (outcomes.claim(current)) outcomes.failed(current, reason, false);
        return Sent.FAILED;
      }
      // Once per failing batch: an exporter that knows more (a broker down for a while: FAILED) may
      // report its own status meanwhile, and repeating DEGRADED on every retry would overwrite it.
      if (attempt == 1) {
        host.reportStatus(
            context.id(),
            context.kind(),
            ComponentStatus.DEGRADED,
            "retrying after: " + describe(failure));
      }
      log(
          Level.WARNING,
          "attempt "
              + attempt
              + " failed ("
              + describe(failure)
              + "), retrying "
              + (unsent != null ? "the " + current.recordCount() + " unsent records " : "")
              + "in "
              + TimeUnit.NANOSECONDS.toMillis(delay)
              + " ms");
      TimeUnit.NANOSECONDS.sleep(delay);
    }
  }

  /**
   * After a stop: counts what the calling sender still had in flight (if anything) as lost at
   * shutdown.
   */
  void abandonInFlight() {
    Batch left = outcomes.claimFrom(Thread.currentThread());
    if (left != null && !shutdown.keepsUnsent())
      outcomes.failed(left, Outcomes.SHUTDOWN_TIMEOUT, false);
  }

  /** The longest wait a destination's hint can cause: a day (later: the next day's attempt). */
  private static final long MAX_HINT_NANOS = TimeUnit.DAYS.toNanos(1);

  /**
   * A destination's requested wait in nanoseconds, at most {@link #MAX_HINT_NANOS}: a server may
   * send {@code Retry-After: 99999999999}, which no clock arithmetic survives.
   */
  private static long hintNanos(java.time.Duration hint) {
    return hint.compareTo(java.time.Duration.ofNanos(MAX_HINT_NANOS)) > 0
        ? MAX_HINT_NANOS
        : hint.toNanos();
  }

  /** Logs {@code message} as this exporter's ("exporter kafka/main: ..."). */
  private void log(Level level, String message) {
    context.logger().log(level, "exporter " + label + ": " + message);
  }

  /** "120 logs records": how log lines name a batch. */
  private static String records(Batch batch) {
    return batch.recordCount() + " " + batch.signal().id() + " records";
  }

  static String describe(ExportException e) {
    Throwable c = e.getCause();
    return c == null || e.getMessage().contains(String.valueOf(c.getMessage()))
        ? e.getMessage()
        : e.getMessage() + ": " + c;
  }
}
