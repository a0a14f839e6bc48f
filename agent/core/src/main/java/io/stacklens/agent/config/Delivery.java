package io.stacklens.agent.config;

/**
 * When a pipeline's receivers answer a client (and the Kafka receiver commits an offset): what the
 * agent promises about an acknowledged record. YAML names are {@code memory} and {@code durable}.
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
  DURABLE
}
