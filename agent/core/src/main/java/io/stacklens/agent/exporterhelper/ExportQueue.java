package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.data.Acknowledgement;
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
  default boolean offer(Batch batch, long timeout, TimeUnit unit) throws InterruptedException {
    return offer(batch, null, timeout, unit);
  }

  /**
   * Adds a batch whose delivery {@code ack} waits for ({@code delivery: end_to_end}; null when
   * nothing waits), waiting up to {@code timeout} for space; false when still full (the caller
   * still owns the party). Once it took the batch, the queue settles one party of {@code ack}
   * exactly once: in {@link #finished}, or failed when it drops the batch or closes first.
   */
  boolean offer(Batch batch, Acknowledgement ack, long timeout, TimeUnit unit)
      throws InterruptedException;

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
   * The sender is finished with a batch it took. The acknowledgement offered with it is settled:
   * done for {@link Sent#DONE}, failed otherwise. A persistent queue forgets the batch unless it is
   * {@link Sent#KEPT}; until then it is sent again after a restart.
   */
  void finished(Batch batch, Sent how);

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
