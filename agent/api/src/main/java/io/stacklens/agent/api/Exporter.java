package io.stacklens.agent.api;

import io.stacklens.agent.data.Batch;

/**
 * Sends batches to a destination. An exporter writes only {@link #push}: the shared exporter helper
 * around it adds the queue, batching, retries with backoff, the per-attempt timeout and metrics.
 * One instance per configured exporter id, shared by every pipeline and signal that names it.
 *
 * <p>{@code push} may be called from several sender threads at once (see {@code
 * sending_queue.num_consumers}). It must not modify the batch: several exporters may be sending the
 * same batch.
 */
public interface Exporter extends Component {
  /**
   * Sends one batch. Returns normally when the destination has it. Throws {@link ExportException}
   * marked retryable (will be retried with backoff) or permanent (dropped and counted, sent to the
   * dead-letter destination when one is configured). The calling thread is interrupted when the
   * attempt's timeout expires.
   *
   * @param batch the records to send; shared with other exporters and with the caller, read only
   * @throws ExportException the batch, or the part named by {@link ExportException#withUnsent}, was
   *     not delivered
   */
  void push(Batch batch) throws ExportException;

  /**
   * Makes everything pushed so far durable (flush buffers); the exporter helper calls it at
   * shutdown, after the last push, and, when the exporter's queue is on disk ({@code
   * sending_queue.storage: disk}), after each successful push before the disk queue forgets those
   * records. It may be called from several sender threads at once. An exporter whose push already
   * waits for the destination's confirmation (a broker's acknowledgement, a committed transaction)
   * keeps the default, which does nothing.
   */
  default void flush() throws ExportException {}
}
