package io.stacklens.agent.cli.loadgen;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The load-generator engine, usable without the command line: sends pre-built OTLP log requests
 * with at most {@code concurrency} in flight, paced to {@code rate}, until {@code records} are sent
 * or {@code duration} has passed, then waits up to {@code drainTimeout} for answers.
 *
 * <p>Refusals (gRPC RESOURCE_EXHAUSTED/UNAVAILABLE, HTTP 429/503) are counted and the same request
 * is sent again after the server's RetryInfo / Retry-After delay (or a backoff of 100 ms doubling
 * to 5 s when it gives none), so no record is lost; a request waiting to be retried keeps its slot.
 * Any other failure is counted by status and not retried.
 */
public final class LoadGenerator {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final long PERMIT_POLL_MILLIS = 50;

  private final LoadgenOptions options;
  private final Consumer<String> progress;
  private final LoadgenStats stats = new LoadgenStats();
  private final Semaphore inFlight;
  private final AtomicLong recordsInFlight = new AtomicLong();
  private volatile boolean stopRequested;
  private volatile boolean closed;
  private volatile Thread dispatcher;
  private ScheduledThreadPoolExecutor scheduler;
  private LogsSender sender;
  private long startNanos;

  /**
   * @param options validated here: an {@link IllegalArgumentException} lists every problem
   * @param progress where progress lines go every {@code reportInterval}; null for none
   */
  public LoadGenerator(LoadgenOptions options, Consumer<String> progress) {
    var problems = options.validate();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    this.options = options;
    this.progress = progress;
    this.inFlight = new Semaphore(options.concurrency());
  }

  /** Asks a running {@link #run()} to stop sending new records; it then drains and returns. */
  public void stop() {
    stopRequested = true;
    Thread thread = dispatcher;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  /** Runs the load on the calling thread and returns the final numbers. */
  public LoadgenReport run() throws InterruptedException {
    RequestPool pool = RequestPool.build(options);
    scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "loadgen-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    dispatcher = Thread.currentThread();
    try (LogsSender created = LogsSender.create(options)) {
      sender = created;
      startNanos = System.nanoTime();
      startProgressReports();
      dispatch(pool);
      boolean drained =
          inFlight.tryAcquire(
              options.concurrency(), options.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
      closed = true;
      long abandoned = drained ? 0 : recordsInFlight.get();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
      scheduler.shutdownNow();
      return stats.snapshot(elapsed, abandoned);
    } finally {
      closed = true;
      scheduler.shutdownNow();
      dispatcher = null;
    }
  }

  private void startProgressReports() {
    if (progress == null || options.reportInterval().isZero()) {
      return;
    }
    long every = options.reportInterval().toMillis();
    LoadgenReport[] previous = {stats.snapshot(Duration.ZERO, 0)};
    scheduler.scheduleAtFixedRate(
        () -> {
          LoadgenReport now = stats.snapshot(Duration.ofNanos(System.nanoTime() - startNanos), 0);
          progress.accept(now.progressLine(previous[0]));
          previous[0] = now;
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  private void dispatch(RequestPool pool) throws InterruptedException {
    Pacer pacer = new Pacer(options.rate());
    long deadline =
        options.duration().isZero() ? Long.MAX_VALUE : startNanos + options.duration().toNanos();
    long remaining = options.records() == 0 ? Long.MAX_VALUE : options.records();
    while (remaining > 0 && !stopRequested && System.nanoTime() - deadline < 0) {
      int records = (int) Math.min(options.batchSize(), remaining);
      if (!pacer.awaitSlot(records, deadline, () -> stopRequested) || !acquireSlot(deadline)) {
        break;
      }
      PreparedRequest request =
          records == options.batchSize() ? pool.next() : pool.nextPartial(records);
      remaining -= records;
      stats.recordsSent.add(records);
      recordsInFlight.addAndGet(records);
      attempt(request, 1);
    }
  }

  /** Takes an in-flight slot; false when stopped or past the deadline while waiting. */
  private boolean acquireSlot(long deadline) throws InterruptedException {
    while (!stopRequested && System.nanoTime() - deadline < 0) {
      if (inFlight.tryAcquire(PERMIT_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
    return false;
  }

  private void attempt(PreparedRequest request, int attempt) {
    if (closed) {
      return;
    }
    stats.requestsSent.increment();
    long sentAt = System.nanoTime();
    try {
      sender.send(request).thenAccept(result -> onResult(request, attempt, sentAt, result));
    } catch (RuntimeException e) {
      onResult(request, attempt, sentAt, new SendResult.Failed("client_error", e.toString()));
    }
  }

  private void onResult(PreparedRequest request, int attempt, long sentAt, SendResult result) {
    if (closed) {
      return;
    }
    if (result instanceof SendResult.Accepted accepted) {
      stats.acknowledged(request.records(), accepted.rejectedRecords(), System.nanoTime() - sentAt);
      finished(request);
    } else if (result instanceof SendResult.Refused refused) {
      stats.refused(refused.status());
      Duration delay = refused.retryAfter() != null ? refused.retryAfter() : backoff(attempt);
      try {
        scheduler.schedule(
            () -> attempt(request, attempt + 1), delay.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException shuttingDown) {
        // the run is over; the records count as abandoned
      }
    } else if (result instanceof SendResult.Failed failed) {
      stats.failed(failed.status(), failed.message(), request.records());
      finished(request);
    }
  }

  private void finished(PreparedRequest request) {
    recordsInFlight.addAndGet(-request.records());
    inFlight.release();
  }

  /** 100 ms doubling per attempt, at most 5 s. */
  static Duration backoff(int attempt) {
    long millis = 100L << Math.min(attempt - 1, 10);
    return millis > MAX_BACKOFF.toMillis() ? MAX_BACKOFF : Duration.ofMillis(millis);
  }
}
