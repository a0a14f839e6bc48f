package io.stacklens.agent.cli.loadgen;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Spaces requests so that records leave at {@code rate} per second, sleeping (parking) between them
 * rather than spinning. After a stall (the server slow, every request in flight) it catches up at
 * most {@link #MAX_CATCH_UP} worth of records, so the rate is a ceiling, not a debt. Used by one
 * thread.
 */
final class Pacer {
  static final long MAX_CATCH_UP = TimeUnit.MILLISECONDS.toNanos(100);

  private final double nanosPerRecord;
  private long nextSendNanos;
  private boolean started;

  /** {@code recordsPerSecond} 0 means no pacing. */
  Pacer(double recordsPerSecond) {
    this.nanosPerRecord = recordsPerSecond > 0 ? 1e9 / recordsPerSecond : 0;
  }

  /**
   * Waits until a request of {@code records} records may leave. Returns false, without waiting out
   * the slot, when that slot lies past {@code deadlineNanos} or {@code stopped} turns true (the
   * waiting thread is unparked to notice it at once).
   */
  boolean awaitSlot(int records, long deadlineNanos, BooleanSupplier stopped) {
    if (nanosPerRecord == 0) {
      return true;
    }
    long now = System.nanoTime();
    if (!started || now - nextSendNanos > MAX_CATCH_UP) {
      nextSendNanos = now;
      started = true;
    }
    long sendAt = nextSendNanos;
    nextSendNanos += (long) (records * nanosPerRecord);
    if (sendAt - deadlineNanos > 0) {
      return false;
    }
    for (long wait = sendAt - System.nanoTime(); wait > 0; wait = sendAt - System.nanoTime()) {
      if (stopped.getAsBoolean()) {
        return false;
      }
      LockSupport.parkNanos(this, wait);
    }
    return !stopped.getAsBoolean();
  }
}
