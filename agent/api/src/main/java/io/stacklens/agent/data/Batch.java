package io.stacklens.agent.data;

/**
 * A unit of telemetry flowing through a pipeline: what one request, one poll or one processor step
 * carries. Decoded once by a receiver, changed in place by processors, encoded once by each
 * exporter.
 */
public sealed interface Batch permits BatchMemory {
  /**
   * Which signal this batch carries; decides its concrete class ({@link LogsBatch}, {@link
   * TracesBatch}, {@link MetricsBatch}).
   */
  Signal signal();

  /** Log records, spans or metric data points in this batch. */
  int recordCount();

  /** A deep copy: fan-out to several pipelines gives each one its own. */
  Batch copy();

  /**
   * Bytes of the agent's memory budget this batch holds (0 when it holds none). See {@link
   * MemoryLimiter} and {@link MemoryEstimate}.
   */
  long accountedBytes();

  /**
   * Makes this batch the holder of {@code bytes} already acquired from {@code limiter}; one holder.
   */
  void attachMemory(MemoryLimiter limiter, long bytes);

  /**
   * Changes what this batch holds to {@code bytes} (after processors changed it), acquiring or
   * releasing the difference.
   */
  void resizeMemory(long bytes);

  /**
   * Adds holders: the batch is handed to {@code extraHolders} more stages, each of which releases
   * once.
   */
  void retainMemory(int extraHolders);

  /** One holder is done with the batch; the last one gives its bytes back to the limiter. */
  void releaseMemory();

  /** Whether the batch holds no records (it may still hold empty resources or scopes). */
  default boolean isEmpty() {
    return recordCount() == 0;
  }
}
