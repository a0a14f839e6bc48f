package io.stacklens.agent.it.blocking;

import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes wait until {@link #release()}; then records are counted in {@link #records()}. State is
 * static because the agent builds the instance from config; call {@link #reset()} before each test.
 */
public final class BlockingExporter implements Exporter {
  private static volatile CountDownLatch gate = new CountDownLatch(1);
  private static final AtomicLong RECORDS = new AtomicLong();
  private static final AtomicInteger PUSHES_WAITING = new AtomicInteger();

  /** Closes the gate and zeroes the counters. */
  public static void reset() {
    gate.countDown();
    gate = new CountDownLatch(1);
    RECORDS.set(0);
    PUSHES_WAITING.set(0);
  }

  /** Opens the gate: waiting and future pushes go through. */
  public static void release() {
    gate.countDown();
  }

  /** Records of every push that went through. */
  public static long records() {
    return RECORDS.get();
  }

  /** Pushes currently waiting at the gate. */
  public static int pushesWaiting() {
    return PUSHES_WAITING.get();
  }

  @Override
  public void start(Host host) {}

  @Override
  public void push(Batch batch) throws ExportException {
    CountDownLatch g = gate;
    PUSHES_WAITING.incrementAndGet();
    try {
      g.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ExportException.retryable("interrupted while blocked", e);
    } finally {
      PUSHES_WAITING.decrementAndGet();
    }
    RECORDS.addAndGet(batch.recordCount());
  }

  @Override
  public void shutdown(Instant deadline) {}
}
