package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryLimiter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryExportQueueTest {
  private final MemoryLimiter limiter = new MemoryLimiter(1L << 30);

  @Test
  void aBatchThatWouldPassTheByteBoundWaitsAndIsRefusedAtTheTimeout() throws Exception {
    MemoryExportQueue queue = new MemoryExportQueue(100, 1000);
    assertThat(queue.offer(batchOf(600), 0, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(queue.offer(batchOf(300), 0, TimeUnit.MILLISECONDS)).isTrue();

    assertThat(queue.offer(batchOf(200), 20, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(queue.bytes()).isEqualTo(900);
    assertThat(queue.size()).isEqualTo(2);
  }

  @Test
  void aBatchLargerThanTheByteBoundStillEntersAnEmptyQueue() throws Exception {
    MemoryExportQueue queue = new MemoryExportQueue(100, 1000);
    assertThat(queue.offer(batchOf(5000), 0, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(queue.offer(batchOf(1), 0, TimeUnit.MILLISECONDS)).isFalse();
  }

  @Test
  void theBatchCountBoundHoldsForBatchesOfNoBytes() throws Exception {
    MemoryExportQueue queue = new MemoryExportQueue(2, 1000);
    assertThat(queue.offer(new LogsBatch(), 0, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(queue.offer(new LogsBatch(), 0, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(queue.offer(new LogsBatch(), 0, TimeUnit.MILLISECONDS)).isFalse();
  }

  @Test
  void aWaitingProducerEntersOnceAPollMakesRoom() throws Exception {
    MemoryExportQueue queue = new MemoryExportQueue(100, 1000);
    Batch first = batchOf(800);
    queue.offer(first, 0, TimeUnit.MILLISECONDS);

    CompletableFuture<Boolean> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return queue.offer(batchOf(500), 60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(queue.poll(1, TimeUnit.SECONDS)).isSameAs(first);

    assertThat(waiting.get(60, TimeUnit.SECONDS)).isTrue();
    assertThat(queue.bytes()).isEqualTo(500);
  }

  @Test
  void pollingInOrderGivesTheBytesBack() throws Exception {
    MemoryExportQueue queue = new MemoryExportQueue(100, 1000);
    Batch a = batchOf(100);
    Batch b = batchOf(200);
    queue.offer(a, 0, TimeUnit.MILLISECONDS);
    queue.offer(b, 0, TimeUnit.MILLISECONDS);

    assertThat(queue.poll(0, TimeUnit.MILLISECONDS)).isSameAs(a);
    assertThat(queue.bytes()).isEqualTo(200);
    assertThat(queue.poll(0, TimeUnit.MILLISECONDS)).isSameAs(b);
    assertThat(queue.bytes()).isZero();
    assertThat(queue.poll(10, TimeUnit.MILLISECONDS)).isNull();
  }

  private Batch batchOf(long bytes) {
    LogsBatch batch = new LogsBatch();
    limiter.forceAcquire(bytes);
    batch.attachMemory(limiter, bytes);
    return batch;
  }
}
