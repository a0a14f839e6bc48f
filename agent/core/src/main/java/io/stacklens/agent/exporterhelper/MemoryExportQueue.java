package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Batch;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * In-memory {@link ExportQueue}, bounded in batches and in accounted bytes ({@link
 * Batch#accountedBytes()}): a batch larger than the byte bound still enters an empty queue. A lock
 * and two conditions are right here (unlike the pipeline ring): it moves whole batches, a few
 * thousand per second, and producers must be able to wait for space.
 *
 * <p>The acknowledgements offered with batches ({@code delivery: end_to_end}) are kept beside them
 * by batch object until the sender is {@link #finished} with it. One batch object queued twice (a
 * trace batch fanned out to two pipelines that share this exporter) carries the same records both
 * times, so which of its two deliveries settles which acknowledgement does not matter.
 */
public final class MemoryExportQueue implements ExportQueue {
  private final int capacity;
  private final long capacityBytes;
  private final ArrayDeque<Batch> queue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final Map<Batch, ArrayDeque<Acknowledgement>> acknowledgements = new IdentityHashMap<>();
  private long bytes;
  private boolean closed;

  /** A queue of at most {@code capacity} batches, with no byte bound. */
  public MemoryExportQueue(int capacity) {
    this(capacity, Long.MAX_VALUE);
  }

  /** A queue of at most {@code capacity} batches and {@code capacityBytes} accounted bytes. */
  public MemoryExportQueue(int capacity, long capacityBytes) {
    if (capacity < 1)
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    this.capacity = capacity;
    this.capacityBytes = capacityBytes;
    this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  @Override
  public boolean offer(Batch batch, Acknowledgement ack, long timeout, TimeUnit unit)
      throws InterruptedException {
    long size = batch.accountedBytes();
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (queue.size() >= capacity || (!queue.isEmpty() && bytes + size > capacityBytes)) {
        if (nanos <= 0) return false;
        nanos = notFull.awaitNanos(nanos);
      }
      queue.addLast(batch);
      bytes += size;
      if (ack != null) {
        if (closed) ack.fail();
        else acknowledgements.computeIfAbsent(batch, b -> new ArrayDeque<>(1)).addLast(ack);
      }
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Batch poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (queue.isEmpty()) {
        if (nanos <= 0) return null;
        nanos = notEmpty.awaitNanos(nanos);
      }
      Batch b = queue.pollFirst();
      bytes -= b.accountedBytes();
      notFull.signalAll();
      return b;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void finished(Batch batch, Sent how) {
    Acknowledgement ack;
    lock.lock();
    try {
      if (acknowledgements.isEmpty()) return;
      ArrayDeque<Acknowledgement> waiting = acknowledgements.get(batch);
      if (waiting == null) return;
      ack = waiting.pollFirst();
      if (waiting.isEmpty()) acknowledgements.remove(batch);
    } finally {
      lock.unlock();
    }
    how.settle(ack);
  }

  /** Fails the acknowledgements of batches never finished with (the helper stopped first). */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (ArrayDeque<Acknowledgement> waiting : acknowledgements.values()) {
        for (Acknowledgement ack : waiting) ack.fail();
      }
      acknowledgements.clear();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long capacityBytes() {
    return capacityBytes;
  }
}
