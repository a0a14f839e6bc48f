package io.stacklens.agent.config;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;

/**
 * {@code service.memory_limiter}: how much telemetry the agent holds in memory at once, counted by
 * the receivers (request bodies and what they decode), the pipeline rings and the exporter queues.
 * When it is spent, new requests are refused with 429 / RESOURCE_EXHAUSTED and a retry hint before
 * their bodies are decoded (docs/limits.md).
 *
 * <pre>
 * memory_limiter:
 *   limit_percentage: 30   # of the JVM's max heap (-Xmx); used unless limit is set
 *   limit: 0               # a fixed size instead, e.g. 256MiB; 0 = use limit_percentage
 * </pre>
 */
public final class MemoryLimiterConfig implements ComponentConfig {
  /**
   * Share of the maximum heap, 1..90. Default 30: what the budget holds is mostly long-lived and
   * ends up in the old generation (about two thirds of the heap with the parallel collector),
   * beside what the budget does not count (the agent's own classes, caches and buffers, estimates
   * that run low).
   */
  public int limitPercentage = 30;

  /** A fixed budget; 0 (the default) means {@link #limitPercentage} of the max heap. */
  public ByteSize limit = new ByteSize(0);

  /** The budget in bytes for a JVM whose maximum heap is {@code maxHeapBytes}. */
  public long limitBytes(long maxHeapBytes) {
    if (limit != null && limit.bytes() > 0) return limit.bytes();
    return Math.max(1024L * 1024, maxHeapBytes / 100 * limitPercentage);
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (limitPercentage < 1 || limitPercentage > 90) {
      problems.error("limit_percentage", "must be between 1 and 90, got " + limitPercentage);
    }
    if (limit != null && limit.bytes() > 0 && limit.bytes() < 1024L * 1024) {
      problems.error("limit", "must be 0 (use limit_percentage) or at least 1MiB, got " + limit);
    }
    if (limit != null && limit.bytes() > Runtime.getRuntime().maxMemory()) {
      problems.warning(
          "limit",
          "is larger than the JVM's max heap ("
              + Runtime.getRuntime().maxMemory()
              + " bytes): the agent can run out of memory before it refuses requests; raise -Xmx or lower the limit");
    }
  }
}
