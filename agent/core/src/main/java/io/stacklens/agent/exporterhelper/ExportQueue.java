package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MemoryLimiter;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between pipeline workers (producers) and an exporter's sender threads
 * (consumers): in memory ({@link MemoryExportQueue}) or on disk ({@link DiskExportQueue}), chosen
 * by {@code sending_queue.storage}.
 */
public interface ExportQueue extends AutoCloseable {
  /** Adds a batch, waiting up to {@code timeout} for space; false when still full. */
  boolean offer(Batch batch, long timeout, TimeUnit unit) throws InterruptedException;

  /** Takes the oldest batch, waiting up to {@code timeout}; null when none arrived. */
  Batch poll(long timeout, TimeUnit unit) throws InterruptedException;

  /** Batches currently held. */
  int size();

  /** Batches it can hold. */
  int capacity();

  /** Accounted bytes ({@link Batch#accountedBytes()}) of the batches held. */
  long bytes();

  /** Accounted bytes it holds at most (a larger batch still enters an empty queue). */
  long capacityBytes();

  /**
   * The sender is finished with a batch it took: delivered (the exporter confirmed it), or counted
   * as failed. A persistent queue then forgets it; until then it is sent again after a restart.
   */
  default void confirm(Batch batch) {}

  /** Whether batches survive a restart or a crash of the agent (a disk queue). */
  default boolean persistent() {
    return false;
  }

  /**
   * Makes what was added so far durable as its {@code fsync} policy asks; the pipeline's sync
   * thread calls it after a group of batches was handed over.
   *
   * @return false when that failed (the batches are not known to be on disk)
   */
  default boolean sync() {
    return true;
  }

  /** The budget batches the queue makes itself (read back from disk) are counted against. */
  default void useMemory(MemoryLimiter limiter) {}

  /** Stops the queue; a persistent one keeps what was not confirmed for the next start. */
  @Override
  default void close() {}
}
