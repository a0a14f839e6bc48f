package io.stacklens.agent.data;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent-wide budget for telemetry held in memory: request bodies being read, decoded batches,
 * the pipeline rings and the exporter queues all count what they hold against one limit ({@code
 * service.memory_limiter}).
 *
 * <p>Receivers ask with {@link #tryAcquire} before they read or decode a request and refuse the
 * request with a retryable answer (HTTP 429 / gRPC RESOURCE_EXHAUSTED with a retry hint) when the
 * budget is spent. Bytes acquired for a batch travel with it ({@link
 * io.stacklens.agent.data.Batch#accountedBytes()}) and are released by whoever holds the batch
 * last: the exporter helper after delivery, or the stage that drops it. {@link #forceAcquire} is
 * for growth that must not fail (a processor made a batch bigger); it may push {@link #used()} past
 * the limit, which only makes new requests wait longer.
 *
 * <p>Thread-safe and lock-free: one {@link AtomicLong}.
 */
public final class MemoryLimiter {
  private static final MemoryLimiter UNLIMITED = new MemoryLimiter(Long.MAX_VALUE);

  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  /** A limiter of {@code limitBytes} (at least 1). */
  public MemoryLimiter(long limitBytes) {
    if (limitBytes < 1)
      throw new IllegalArgumentException("memory limit must be at least 1 byte, got " + limitBytes);
    this.limit = limitBytes;
  }

  /** A limiter that never refuses (tests, and components built without a running agent). */
  public static MemoryLimiter unlimited() {
    return UNLIMITED;
  }

  /** The budget in bytes; {@link Long#MAX_VALUE} for {@link #unlimited()}. */
  public long limit() {
    return limit;
  }

  /** Bytes currently held by every component together. */
  public long used() {
    return used.get();
  }

  /** The highest {@link #used()} seen since start. */
  public long peak() {
    return peak.get();
  }

  /** True when nothing more fits: a request arriving now is refused before its body is read. */
  public boolean isExhausted() {
    return used.get() >= limit;
  }

  /**
   * Takes {@code bytes} from the budget if they fit under the limit; false (and nothing taken) when
   * they do not.
   */
  public boolean tryAcquire(long bytes) {
    if (bytes <= 0) return true;
    while (true) {
      long now = used.get();
      long next = now + bytes;
      if (next > limit || next < 0) return false;
      if (used.compareAndSet(now, next)) {
        notePeak(next);
        return true;
      }
    }
  }

  /** Takes {@code bytes} whether or not they fit (growth of something already admitted). */
  public void forceAcquire(long bytes) {
    if (bytes <= 0) return;
    notePeak(used.addAndGet(bytes));
  }

  /** Gives back {@code bytes} taken earlier. */
  public void release(long bytes) {
    if (bytes <= 0) return;
    used.addAndGet(-bytes);
  }

  private void notePeak(long value) {
    long p;
    while (value > (p = peak.get())) {
      if (peak.compareAndSet(p, value)) return;
    }
  }

  @Override
  public String toString() {
    return "MemoryLimiter[used="
        + used.get()
        + ", limit="
        + (limit == Long.MAX_VALUE ? "none" : limit)
        + "]";
  }
}
