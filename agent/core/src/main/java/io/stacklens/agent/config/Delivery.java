package io.stacklens.agent.config;

/**
 * When a pipeline's receivers answer a client (and the Kafka receiver commits an offset): what the
 * agent promises about an acknowledged record. YAML names are {@code memory}, {@code durable} and
 * {@code end_to_end}.
 */
public enum Delivery {
  /**
   * Acknowledged once the records are in the pipeline's ring (the default): fastest; a crash or a
   * kill loses what was acknowledged and not yet delivered, and a shutdown that runs out of time
   * counts what it could not deliver.
   */
  MEMORY,
  /**
   * Acknowledged once the records are in every exporter's disk queue and forced to disk as its
   * {@code fsync} asks: a crash of the agent loses none of them (they are sent after the next
   * start, at least once). Every exporter of the pipeline needs {@code sending_queue.storage:
   * disk}.
   */
  DURABLE,
  /**
   * Acknowledged once every exporter the records were handed to confirmed their delivery (a Kafka
   * broker's acknowledgement, a PostgreSQL commit, a file flush) or failed them permanently
   * (counted, and dead-lettered where configured): the slowest mode, a client waits for the whole
   * path; what the agent acknowledged is already at its destinations, so a crash loses none of it,
   * whatever the queue. A client that is not answered within 10 s gets a retryable error.
   */
  END_TO_END
}
