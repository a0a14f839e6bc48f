package io.stacklens.receiver.kafka;

import java.time.Duration;

/**
 * When a consumer thread offers again what was refused (by the pipeline, or by the dead-letter
 * exporter): after a refusal the next attempt waits the current interval, which then doubles up to
 * {@code backoff.max_interval}; an acceptance resets it to {@code backoff.initial_interval}. Times
 * are {@link System#nanoTime()} values. One per kind of refusal; used by its consumer thread only.
 */
final class RetryBackoff {
  private final long initialNanos;
  private final long maxNanos;
  private long intervalNanos;
  private boolean refused;
  private long nextAttemptNanos;

  RetryBackoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.intervalNanos = initialNanos;
  }

  /** True between a refusal and the next acceptance. */
  boolean refused() {
    return refused;
  }

  /** When the refused offer may be made again (meaningful while {@link #refused}). */
  long nextAttemptNanos() {
    return nextAttemptNanos;
  }

  /** True when an offer may be made now: nothing refused, the last chance, or the wait is over. */
  boolean due(long now, boolean lastChance) {
    return !refused || lastChance || now >= nextAttemptNanos;
  }

  /** The offer made at {@code now} was refused: wait the interval, then a longer one. */
  void refusedAt(long now) {
    refused = true;
    nextAttemptNanos = now + intervalNanos;
    intervalNanos = Math.min(intervalNanos * 2, maxNanos);
  }

  /** The offer was accepted: back to the initial interval. Returns whether it had been refused. */
  boolean accepted() {
    boolean wasRefused = refused;
    refused = false;
    intervalNanos = initialNanos;
    return wasRefused;
  }

  /** Nothing is left to offer (the refused records went elsewhere): not refused, same interval. */
  void nothingWaiting() {
    refused = false;
  }
}
