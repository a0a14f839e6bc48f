package io.stacklens.receiver.kafka;

import io.stacklens.agent.data.Batch;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Gathers the decoded records of several messages (one partition's part of a poll) into one batch.
 * A message that cannot be decoded leaves the builder as it was.
 */
interface BatchBuilder {
  /**
   * Decodes {@code message} and adds its records; throws (adding nothing) when it cannot be
   * decoded.
   */
  void add(ConsumerRecord<byte[], byte[]> message) throws DecodeException;

  /** The batch of everything added so far (possibly empty). The builder is not used afterwards. */
  Batch build();

  /** Estimated heap bytes of what was added (for the memory budget). */
  long decodedBytes();
}
