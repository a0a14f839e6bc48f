package io.stacklens.receiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.testing.TestBatches;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The offsets a consumer may commit: only past chunks that are done, never past one still waiting.
 */
class OffsetLedgerTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  /** A chunk of the ten messages before {@code nextOffset}. */
  private static PendingChunk chunk(TopicPartition tp, long nextOffset) {
    return new PendingChunk(
        tp,
        Math.max(0, nextOffset - 10),
        new OffsetAndMetadata(nextOffset),
        TestBatches.logs("r", 1),
        List.of());
  }

  @Test
  void rewindingDropsAPartitionsPendingChunksAndKeepsWhatWasDoneCommittable() {
    OffsetLedger ledger = new OffsetLedger();
    PendingChunk done = chunk(P0, 10);
    PendingChunk lost = chunk(P0, 20);
    PendingChunk after = chunk(P0, 30);
    PendingChunk other = chunk(P1, 10);
    ledger.add(done);
    ledger.add(lost);
    ledger.add(after);
    ledger.add(other);
    done.accepted();
    ledger.completeChunks();
    lost.accepted();

    Map<TopicPartition, Long> from = ledger.rewind(java.util.Set.of(P0));

    assertThat(from).containsExactly(Map.entry(P0, 10L));
    assertThat(ledger.waitingForThePipeline()).containsExactly(other);
    assertThat(ledger.takeUncommitted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));
  }

  @Test
  void aChunkAcceptedByThePipelineMakesItsOffsetCommittable() {
    OffsetLedger ledger = new OffsetLedger();
    PendingChunk c = chunk(P0, 10);
    ledger.add(c);
    assertThat(ledger.waitingForThePipeline()).containsExactly(c);

    c.accepted();
    ledger.completeChunks();

    assertThat(ledger.isEmpty()).isTrue();
    assertThat(ledger.takeUncommitted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));
    assertThat(ledger.hasUncommitted()).isFalse();
  }

  @Test
  void aDoneChunkBehindOneStillWaitingOnTheSamePartitionIsNotCommitted() {
    OffsetLedger ledger = new OffsetLedger();
    PendingChunk first = chunk(P0, 10);
    PendingChunk second = chunk(P0, 20);
    PendingChunk other = chunk(P1, 5);
    ledger.add(first);
    ledger.add(second);
    ledger.add(other);
    second.accepted();
    other.accepted();

    ledger.completeChunks();

    assertThat(ledger.takeUncommitted()).containsOnlyKeys(P1);
    first.accepted();
    ledger.completeChunks();
    assertThat(ledger.takeUncommitted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(20)));
  }

  @Test
  void aFailedAsynchronousCommitIsCommittedAgainWhileThePartitionIsOwned() {
    OffsetLedger ledger = new OffsetLedger();
    PendingChunk c0 = chunk(P0, 3);
    PendingChunk c1 = chunk(P1, 4);
    ledger.add(c0);
    ledger.add(c1);
    c0.accepted();
    c1.accepted();
    ledger.completeChunks();
    Map<TopicPartition, OffsetAndMetadata> offsets = ledger.takeUncommitted();

    ledger.forget(List.of(P1));
    ledger.commitFailed(offsets.keySet());

    assertThat(ledger.takeUncommitted()).containsExactly(Map.entry(P0, new OffsetAndMetadata(3)));
  }

  @Test
  void revokedPartitionsAreForgottenWithWhatTheyHeld() {
    OffsetLedger ledger = new OffsetLedger();
    ledger.add(chunk(P0, 1));
    PendingChunk kept = chunk(P1, 2);
    ledger.add(kept);

    assertThat(ledger.doneOffsets(List.of(P0))).isEmpty();
    ledger.forget(List.of(P0));

    assertThat(ledger.waitingForThePipeline()).containsExactly(kept);
  }
}
