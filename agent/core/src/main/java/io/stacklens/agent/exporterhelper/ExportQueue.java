package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.data.Batch;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between pipeline workers (producers) and an exporter's sender threads
 * (consumers). Behind an interface so a persistent on-disk queue can replace the in-memory one
 * without touching the rest of the exporter helper.
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

  @Override
  default void close() {}
}
