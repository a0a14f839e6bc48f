package io.stacklens.agent.testing;

import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An exporter for runtime tests: records what it receives, can be blocked (to build backpressure),
 * and can fail its next pushes with a chosen error.
 */
public final class RecordingExporter implements Exporter {
  private final List<Batch> pushed = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile ExportException failure;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  public final AtomicInteger attempts = new AtomicInteger();
  public volatile boolean flushed;
  public volatile boolean shutDown;

  /** Makes pushes wait until {@link #unblock()}. */
  public void block() {
    gate = new CountDownLatch(1);
  }

  public void unblock() {
    gate.countDown();
  }

  /** The next {@code times} pushes throw {@code error}. */
  public void failNext(int times, ExportException error) {
    failure = error;
    failuresLeft.set(times);
  }

  @Override
  public void start(Host host) {}

  @Override
  public void push(Batch batch) throws ExportException {
    attempts.incrementAndGet();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ExportException.retryable("interrupted", e);
    }
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw failure;
    pushed.add(batch);
  }

  @Override
  public void flush() {
    flushed = true;
  }

  @Override
  public void shutdown(Instant deadline) {
    shutDown = true;
  }

  public List<Batch> pushed() {
    synchronized (pushed) {
      return new ArrayList<>(pushed);
    }
  }

  public int recordCount() {
    return pushed().stream().mapToInt(Batch::recordCount).sum();
  }

  /** Bodies of every pushed log record, in push order. */
  public List<Object> bodies() {
    List<Object> out = new ArrayList<>();
    for (Batch b : pushed()) ((LogsBatch) b).forEachRecord(r -> out.add(r.body()));
    return out;
  }
}
