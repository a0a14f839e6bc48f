package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ExporterConfig.BatchSettings;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batching stage alone: no threads, a clock passed in. */
class BatcherTest {
  private final List<Batcher.Gathered> sent = new ArrayList<>();

  private static BatchSettings settings(int min, int max) {
    BatchSettings s = new BatchSettings();
    s.minSize = min;
    s.maxSize = max;
    s.flushTimeout = Duration.ofMillis(200);
    return s;
  }

  @Test
  void batchesAreGatheredUntilMinSizeAndSentAsOneWithTheirParts() throws Exception {
    Batcher batcher = new Batcher(settings(10, 100));
    Batch a = TestBatches.logs("a", 4);
    Batch b = TestBatches.logs("b", 6);

    batcher.add(a, 0, sent::add);
    assertThat(sent).isEmpty();
    batcher.add(b, 1, sent::add);

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).merged().recordCount()).isEqualTo(10);
    assertThat(sent.get(0).parts()).containsExactly(a, b);
  }

  @Test
  void aBatchThatWouldPassMaxSizeSendsWhatWasGatheredFirst() throws Exception {
    Batcher batcher = new Batcher(settings(50, 60));
    batcher.add(TestBatches.logs("a", 40), 0, sent::add);
    batcher.add(TestBatches.logs("b", 30), 1, sent::add);

    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).merged().recordCount()).isEqualTo(40);
    batcher.flush(2, true, sent::add);
    assertThat(sent.get(1).merged().recordCount()).isEqualTo(30);
  }

  @Test
  void aGatheringIsDueFlushTimeoutAfterItsFirstBatch() throws Exception {
    Batcher batcher = new Batcher(settings(1000, 0));
    long ms = 1_000_000;
    batcher.add(TestBatches.logs("a", 1), 0, sent::add);
    batcher.add(TestBatches.logs("b", 1), 150 * ms, sent::add);

    assertThat(batcher.nanosUntilDue(150 * ms, Long.MAX_VALUE)).isEqualTo(50 * ms);
    batcher.flush(199 * ms, false, sent::add);
    assertThat(sent).isEmpty();
    batcher.flush(200 * ms, false, sent::add);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).merged().recordCount()).isEqualTo(2);
    assertThat(batcher.nanosUntilDue(200 * ms, 77))
        .as("nothing gathered: the caller's maximum")
        .isEqualTo(77);
  }

  @Test
  void gatheringStopsAtGatherMaxBytesWhateverTheRecordCount() throws Exception {
    MemoryLimiter memory = new MemoryLimiter(1L << 40);
    Batcher batcher = new Batcher(settings(1_000_000, 0));
    LogsBatch big = TestBatches.logs("big", 1);
    memory.forceAcquire(Batcher.GATHER_MAX_BYTES);
    big.attachMemory(memory, Batcher.GATHER_MAX_BYTES);

    batcher.add(big, 0, sent::add);

    assertThat(sent).hasSize(1);
    sent.get(0).releaseParts();
    assertThat(memory.used()).isZero();
  }

  @Test
  void withBatchingDisabledEveryBatchPassesStraightThrough() throws Exception {
    BatchSettings off = settings(10, 100);
    off.enabled = false;
    Batcher batcher = new Batcher(off);
    Batch a = TestBatches.logs("a", 1);

    batcher.add(a, 0, sent::add);

    assertThat(sent).singleElement().satisfies(g -> assertThat(g.merged()).isSameAs(a));
  }

  @Test
  void takeAllHandsBackWhatWasGatheredForAStop() throws Exception {
    Batcher batcher = new Batcher(settings(100, 0));
    batcher.add(TestBatches.logs("a", 3), 0, sent::add);

    List<Batcher.Gathered> left = batcher.takeAll();

    assertThat(left)
        .singleElement()
        .satisfies(g -> assertThat(g.merged().recordCount()).isEqualTo(3));
    assertThat(batcher.takeAll()).isEmpty();
  }
}
