package io.stacklens.receiver.kafka;

import io.stacklens.agent.data.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition's part of one poll, from decoding until its offsets may be committed: its records'
 * batch must be accepted by the pipeline and its undecodable messages acknowledged by the
 * dead-letter topic. Only then is {@link #nextOffset()} committable.
 */
final class PendingChunk {
  /** An undecodable message and its send to the dead-letter topic. */
  static final class DeadLetter {
    final ConsumerRecord<byte[], byte[]> message;
    final DecodeException error;
    Future<RecordMetadata> send;

    DeadLetter(ConsumerRecord<byte[], byte[]> message, DecodeException error) {
      this.message = message;
      this.error = error;
    }
  }

  private final TopicPartition partition;
  private final OffsetAndMetadata nextOffset;
  private Batch batch;
  private final List<DeadLetter> deadLetters;

  PendingChunk(TopicPartition partition, OffsetAndMetadata nextOffset, Batch batch, List<DeadLetter> deadLetters) {
    this.partition = partition;
    this.nextOffset = nextOffset;
    this.batch = batch == null || batch.isEmpty() ? null : batch;
    this.deadLetters = deadLetters.isEmpty() ? List.of() : new ArrayList<>(deadLetters);
  }

  TopicPartition partition() {
    return partition;
  }

  /** The offset to commit once this chunk is done: one past its last message. */
  OffsetAndMetadata nextOffset() {
    return nextOffset;
  }

  /** The records still waiting for the pipeline, or null once accepted (or when there were none). */
  Batch batch() {
    return batch;
  }

  /** Gives back the memory share of a batch that will not be offered any more (revoked, stopped, merged). */
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

  /** Dead letters not yet acknowledged (in flight, failed or not sent). */
  boolean deadLettersPending() {
    for (DeadLetter d : deadLetters) {
      if (!succeeded(d.send, 0)) return true;
    }
    return false;
  }

  boolean done() {
    return batch == null && !deadLettersPending();
  }

  /** True when {@code send} completed successfully, waiting at most {@code waitMillis}. */
  static boolean succeeded(Future<RecordMetadata> send, long waitMillis) {
    if (send == null) return false;
    if (!send.isDone() && waitMillis <= 0) return false;
    try {
      send.get(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True when {@code send} completed and failed. */
  static boolean failed(Future<RecordMetadata> send) {
    return send != null && send.isDone() && !succeeded(send, 0);
  }
}
