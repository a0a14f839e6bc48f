package io.stacklens.agent.api;

import io.stacklens.agent.data.Batch;
import java.time.Duration;

/**
 * A failed {@link Exporter#push}: retryable (try again later) or permanent (never will succeed).
 *
 * <p><b>Partial failure.</b> When a push delivered some of the batch, the exporter says what was
 * not delivered with {@link #withUnsent}: the exporter helper then counts the rest as sent and
 * retries (or, for a permanent failure, gives up on) only the unsent records. Without it the whole
 * batch counts as not delivered. The unsent batch may share records with the pushed one; it must
 * not be changed.
 */
public final class ExportException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The {@code reason} label of a permanent failure when the exporter names none. */
  public static final String PERMANENT_ERROR = "permanent_error";

  /** Whether retrying can never succeed. */
  private final boolean permanent;

  private final transient Batch unsent;

  /** The destination's requested wait before the next attempt; null when it asked for none. */
  private final Duration retryAfter;

  /** Records the destination took and then refused, without saying which; 0 when none. */
  private final long rejected;

  /**
   * Short machine-readable label of the failure; {@link #PERMANENT_ERROR} unless the exporter named
   * one.
   */
  private final String reason;

  private ExportException(
      String message,
      Throwable cause,
      boolean permanent,
      Batch unsent,
      String reason,
      Duration retryAfter,
      long rejected) {
    super(message, cause);
    this.permanent = permanent;
    this.unsent = unsent;
    this.reason = reason;
    this.retryAfter = retryAfter;
    this.rejected = rejected;
  }

  private ExportException(String message, Throwable cause, boolean permanent, Batch unsent) {
    this(message, cause, permanent, unsent, PERMANENT_ERROR, null, 0);
  }

  private ExportException copy(Batch unsent, String reason, Duration retryAfter) {
    ExportException e =
        new ExportException(
            getMessage(), getCause(), permanent, unsent, reason, retryAfter, rejected);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /**
   * The destination took the pushed batch but refused {@code count} of its records, without saying
   * which (OTLP's {@code partial_success}): permanent, not retried (resending would duplicate the
   * accepted ones). The exporter helper counts {@code count} records as failed with {@code reason}
   * and the rest as sent; none goes to the dead-letter exporter, since which ones is unknown.
   */
  public static ExportException rejected(String message, long count, String reason) {
    if (count < 1) throw new IllegalArgumentException("count must be at least 1, got " + count);
    return new ExportException(message, null, true, null, reason, null, count);
  }

  /**
   * A failure that may succeed later (destination unavailable, throttled, timed out); the exporter
   * helper retries the batch per its retry settings.
   */
  public static ExportException retryable(String message, Throwable cause) {
    return new ExportException(message, cause, false, null);
  }

  /**
   * A failure that may succeed later, with no underlying cause; the exporter helper retries the
   * batch per its retry settings.
   */
  public static ExportException retryable(String message) {
    return new ExportException(message, null, false, null);
  }

  /**
   * A failure that retrying cannot fix (rejected as invalid, not encodable); the records are
   * dropped, or go to the dead-letter exporter when one is configured.
   */
  public static ExportException permanent(String message, Throwable cause) {
    return new ExportException(message, cause, true, null);
  }

  /**
   * A failure that retrying cannot fix, with no underlying cause; the records are dropped or
   * dead-lettered.
   */
  public static ExportException permanent(String message) {
    return new ExportException(message, null, true, null);
  }

  /**
   * The same failure, for only {@code unsent} of the pushed batch: everything else in it was
   * delivered. An empty {@code unsent} means nothing is left to send.
   */
  public ExportException withUnsent(Batch unsent) {
    if (unsent == null) throw new IllegalArgumentException("unsent must not be null");
    return copy(unsent, reason, retryAfter);
  }

  /**
   * The same retryable failure, with the wait the destination asked for (HTTP {@code Retry-After},
   * gRPC {@code RetryInfo}): the exporter helper waits at least this long before the next attempt,
   * and gives up when it would end past {@code retry_on_failure.max_elapsed_time}.
   */
  public ExportException withRetryAfter(Duration delay) {
    if (delay == null || delay.isNegative())
      throw new IllegalArgumentException("delay must be zero or positive, got " + delay);
    return copy(unsent, reason, delay);
  }

  /** The wait the destination asked for before the next attempt; null when it asked for none. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * Records the destination refused without saying which ({@link #rejected}); 0 for other failures.
   */
  public long rejectedCount() {
    return rejected;
  }

  /**
   * The same failure with a short machine-readable reason (a metric label and the dead letter's
   * {@code stacklens.error.reason}), e.g. {@code record_too_large}; lower case with underscores.
   */
  public ExportException withReason(String reason) {
    if (reason == null || reason.isBlank())
      throw new IllegalArgumentException("reason must not be blank");
    return copy(unsent, reason, retryAfter);
  }

  /**
   * Why a permanent failure happened, as a label; {@link #PERMANENT_ERROR} unless the exporter
   * said.
   */
  public String reason() {
    return reason;
  }

  /** True for a permanent failure, false for a retryable one. */
  public boolean isPermanent() {
    return permanent;
  }

  /** The records the push did not deliver, or null when none of the batch was delivered. */
  public Batch unsent() {
    return unsent;
  }
}
