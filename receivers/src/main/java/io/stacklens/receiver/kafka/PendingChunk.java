package io.stacklens.receiver.kafka;

import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition's part of one poll, from decoding until its offsets may be committed: its records'
 * batch must be accepted by the pipeline and its undecodable messages by the dead-letter exporter
 * ({@link DeadLetterSender}). Only then is {@link #nextOffset()} committable.
 */
final class PendingChunk {
  /**
   * An undecodable message, as the log record offered to the dead-letter exporter until it is
   * accepted.
   */
  static final class DeadLetter {
    final LogsBatch record;
    final String reason;
    final String message;
    private boolean accepted;

    DeadLetter(LogsBatch record, String reason, String message) {
      this.record = record;
      this.reason = reason;
      this.message = message;
    }

    boolean accepted() {
      return accepted;
    }

    /** The dead-letter exporter took it. */
    void markAccepted() {
      accepted = true;
    }
  }

  private final TopicPartition partition;
  private final long firstOffset;
  private final OffsetAndMetadata nextOffset;
  private Batch batch;
  private final List<DeadLetter> deadLetters;

  PendingChunk(
      TopicPartition partition,
      long firstOffset,
      OffsetAndMetadata nextOffset,
      Batch batch,
      List<DeadLetter> deadLetters) {
    this.partition = partition;
    this.firstOffset = firstOffset;
    this.nextOffset = nextOffset;
    this.batch = batch == null || batch.isEmpty() ? null : batch;
    this.deadLetters = deadLetters.isEmpty() ? List.of() : new ArrayList<>(deadLetters);
  }

  TopicPartition partition() {
    return partition;
  }

  /** The offset of this chunk's first message. */
  long firstOffset() {
    return firstOffset;
  }

  /** The offset to commit once this chunk is done: one past its last message. */
  OffsetAndMetadata nextOffset() {
    return nextOffset;
  }

  /**
   * The records still waiting for the pipeline, or null once accepted (or when there were none).
   */
  Batch batch() {
    return batch;
  }

  /**
   * Gives back the memory share of a batch that will not be offered any more (revoked, stopped,
   * merged).
   */
  void release() {
    if (batch != null) batch.releaseMemory();
  }

  /** The pipeline took the batch: it is no longer ours to touch. */
  void accepted() {
    batch = null;
  }

  List<DeadLetter> deadLetters() {
    return deadLetters;
  }

  /** Dead letters the dead-letter exporter has not accepted yet. */
  boolean deadLettersPending() {
    for (DeadLetter d : deadLetters) {
      if (!d.accepted()) return true;
    }
    return false;
  }

  boolean done() {
    return batch == null && !deadLettersPending();
  }
}
