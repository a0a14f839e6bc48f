package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.data.Batch;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * In-memory {@link ExportQueue}. A blocking queue is right here (unlike the pipeline ring): it moves
 * whole batches, a few thousand per second, and producers must be able to wait for space.
 */
public final class MemoryExportQueue implements ExportQueue {
  private final ArrayBlockingQueue<Batch> queue;
  private final int capacity;

  public MemoryExportQueue(int capacity) {
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  @Override
  public boolean offer(Batch batch, long timeout, TimeUnit unit) throws InterruptedException {
    return queue.offer(batch, timeout, unit);
  }

  @Override
  public Batch poll(long timeout, TimeUnit unit) throws InterruptedException {
    return queue.poll(timeout, unit);
  }

  @Override
  public int size() {
    return queue.size();
  }

  @Override
  public int capacity() {
    return capacity;
  }
}
