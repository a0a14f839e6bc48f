package io.stacklens.receiver.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets one consumer may commit: the chunks it polled, in order, and per partition the
 * offset after the last chunk that is done (its records accepted by the pipeline, its undecodable
 * messages accepted by the dead-letter exporter). A chunk is done only when every chunk before it
 * of the same partition is, so a commit never skips a record that is still waiting. Not
 * thread-safe: the consumer's thread only.
 */
final class OffsetLedger {
  private final ArrayDeque<PendingChunk> pending = new ArrayDeque<>();

  /** Per owned partition, the offset after the last done chunk. */
  private final Map<TopicPartition, OffsetAndMetadata> completed = new HashMap<>();

  private final Set<TopicPartition> uncommitted = new HashSet<>();

  void add(PendingChunk chunk) {
    pending.add(chunk);
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }

  /** The chunks not done yet, oldest first. */
  Iterable<PendingChunk> pending() {
    return pending;
  }

  /** Chunks whose records still wait for the pipeline, oldest first. */
  List<PendingChunk> waitingForThePipeline() {
    List<PendingChunk> waiting = new ArrayList<>();
    for (PendingChunk c : pending) if (c.batch() != null) waiting.add(c);
    return waiting;
  }

  /**
   * Moves each partition's leading done chunks out of the ledger, their offsets to be committed.
   */
  void completeChunks() {
    Set<TopicPartition> blocked = null;
    for (Iterator<PendingChunk> it = pending.iterator(); it.hasNext(); ) {
      PendingChunk c = it.next();
      if (blocked != null && blocked.contains(c.partition())) continue;
      if (c.done()) {
        completed.put(c.partition(), c.nextOffset());
        uncommitted.add(c.partition());
        it.remove();
      } else {
        if (blocked == null) blocked = new HashSet<>();
        blocked.add(c.partition());
      }
    }
  }

  boolean hasUncommitted() {
    return !uncommitted.isEmpty();
  }

  /**
   * The offsets done and not committed yet; they count as committed until {@link #commitFailed}
   * says otherwise.
   */
  Map<TopicPartition, OffsetAndMetadata> takeUncommitted() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : uncommitted) offsets.put(tp, completed.get(tp));
    uncommitted.clear();
    return offsets;
  }

  /**
   * An asynchronous commit of {@code partitions} failed: commit them again with the next one (if
   * still owned).
   */
  void commitFailed(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      if (completed.containsKey(tp)) uncommitted.add(tp);
    }
  }

  /** The done offsets of {@code partitions} (for a commit before they are revoked). */
  Map<TopicPartition, OffsetAndMetadata> doneOffsets(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = completed.get(tp);
      if (o != null) offsets.put(tp, o);
    }
    return offsets;
  }

  /**
   * Drops everything held for partitions this consumer no longer owns, giving their memory back.
   */
  void forget(Collection<TopicPartition> partitions) {
    pending.removeIf(
        c -> {
          if (!partitions.contains(c.partition())) return false;
          c.release();
          return true;
        });
    for (TopicPartition tp : partitions) {
      completed.remove(tp);
      uncommitted.remove(tp);
    }
  }

  /**
   * Drops the pending chunks of {@code partitions} from the first one on, giving their memory back,
   * and returns where each partition is to be read again: its first pending chunk's first offset.
   * What was done before that stays committable.
   */
  Map<TopicPartition, Long> rewind(Set<TopicPartition> partitions) {
    Map<TopicPartition, Long> from = new HashMap<>();
    pending.removeIf(
        c -> {
          if (!partitions.contains(c.partition())) return false;
          from.putIfAbsent(c.partition(), c.firstOffset());
          c.release();
          return true;
        });
    return from;
  }

  /**
   * Gives back the memory of every chunk still held and empties the ledger (the consumer is
   * closing).
   */
  void releaseAll() {
    for (PendingChunk chunk : pending) chunk.release();
    pending.clear();
  }
}
