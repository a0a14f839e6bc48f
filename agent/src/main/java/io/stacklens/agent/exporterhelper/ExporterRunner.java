package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.LatencyHistogram;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shared exporter helper: wraps one {@link Exporter}'s push function with a bounded queue, sender
 * threads, batching by size and time, retries with exponential backoff and jitter, a timeout per
 * attempt, the retryable/permanent split of errors, and the exporter's self-telemetry.
 *
 * <pre>
 *  pipeline workers ──enqueue──> ExportQueue ──> sender thread(s): gather ─> split ─> attempt(push) ─> retry...
 * </pre>
 *
 * Nothing leaves the helper unaccounted: every record is either counted in
 * {@code stacklens_exporter_sent_records_total} or in
 * {@code stacklens_exporter_send_failed_records_total{permanent, reason}}.
 */
public final class ExporterRunner {
  private static final long ENQUEUE_WAIT_MS = 50;
  private static final String SHUTDOWN_TIMEOUT = "shutdown_timeout";
  /**
   * Batches are gathered into one push up to this many accounted bytes, whatever the record counts: an
   * exporter encodes a push in memory (a Kafka message, a COPY buffer), so this bounds what one push
   * takes beside the batches themselves.
   */
  static final long GATHER_MAX_BYTES = 8L * 1024 * 1024;

  private final ComponentContext context;
  private final Exporter exporter;
  private final ExporterConfig config;
  private final ExportQueue queue;
  private final String exporterLabel;
  private final List<Thread> senders = new ArrayList<>();
  /** The batch each sender is pushing, so one stuck past the deadline can still be accounted for. */
  private final java.util.concurrent.ConcurrentHashMap<Thread, Batch> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
  private final ScheduledExecutorService watchdog;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final LatencyHistogram sendLatency;
  private final Map<Signal, Counter> sent = new EnumMap<>(Signal.class);
  private final Map<Signal, Counter> enqueueFailed = new EnumMap<>(Signal.class);
  private final java.util.concurrent.atomic.AtomicLong lostAtShutdown = new java.util.concurrent.atomic.AtomicLong();
  private volatile String lastFailure;
  private volatile boolean closing;
  private volatile long deadlineNanos = Long.MAX_VALUE;
  private Host host;

  public ExporterRunner(ComponentContext context, Exporter exporter, ExporterConfig config) {
    this(context, exporter, config,
        new MemoryExportQueue(config.sendingQueue.queueSize, config.sendingQueue.maxSize.bytes()));
  }

  public ExporterRunner(ComponentContext context, Exporter exporter, ExporterConfig config, ExportQueue queue) {
    this.context = context;
    this.exporter = exporter;
    this.config = config;
    this.queue = queue;
    this.exporterLabel = context.id().toString();
    MetricsRegistry m = context.metrics();
    for (Signal s : Signal.values()) {
      sent.put(s, m.counter("stacklens_exporter_sent_records_total", "Records the exporter delivered",
          "exporter", exporterLabel, "signal", s.id()));
      enqueueFailed.put(s, failedCounter(s, "shutdown_timeout", false));
    }
    m.gauge("stacklens_exporter_queue_size", "Batches waiting in the exporter queue", queue::size, "exporter", exporterLabel);
    m.gauge("stacklens_exporter_queue_capacity", "Capacity of the exporter queue in batches", queue::capacity, "exporter", exporterLabel);
    m.gauge("stacklens_exporter_queue_bytes", "Estimated bytes of the batches waiting in the exporter queue",
        queue::bytes, "exporter", exporterLabel);
    m.gauge("stacklens_exporter_queue_capacity_bytes", "Capacity of the exporter queue in estimated bytes",
        () -> (double) queue.capacityBytes(), "exporter", exporterLabel);
    sendLatency = m.histogram("stacklens_exporter_send_duration_seconds", "Duration of one push attempt", "exporter", exporterLabel);
    watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "exporter-" + exporterLabel + "-timeout"));
  }

  /** The exporter's component id. */
  public ComponentId id() {
    return context.id();
  }

  public void start(Host host) throws Exception {
    if (!started.compareAndSet(false, true)) return;
    this.host = host;
    exporter.start(host);
    for (int i = 0; i < config.sendingQueue.numConsumers; i++) {
      Thread t = new Thread(this::sendLoop, "exporter-" + exporterLabel + "-sender-" + i);
      t.setDaemon(true);
      senders.add(t);
      t.start();
    }
    host.reportStatus(context.id(), context.kind(), ComponentStatus.OK, "");
  }

  /**
   * Hands a batch to the exporter's queue, waiting while it is full (this is how a slow exporter
   * pushes back on its pipeline). Returns false, with the records counted as failed, only when the
   * helper is shutting down and its deadline passed.
   */
  public boolean enqueue(Batch batch) throws InterruptedException {
    while (true) {
      if (queue.offer(batch, ENQUEUE_WAIT_MS, TimeUnit.MILLISECONDS)) return true;
      if (closing && System.nanoTime() - deadlineNanos > 0) {
        enqueueFailed.get(batch.signal()).add(batch.recordCount());
        lostAtShutdown.addAndGet(batch.recordCount());
        batch.releaseMemory();
        return false;
      }
    }
  }

  private void sendLoop() {
    Map<Signal, Gathering> gathering = new EnumMap<>(Signal.class);
    ExporterConfig.BatchSettings batching = config.batch;
    long flushNanos = batching.flushTimeout.toNanos();
    try {
      while (true) {
        long wait = nextFlushWaitNanos(gathering, flushNanos);
        Batch b = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (b != null) {
          if (!batching.enabled) {
            sendAndRelease(b, List.of(b));
          } else {
            Gathering g = gathering.computeIfAbsent(b.signal(), s -> new Gathering());
            boolean overRecords = batching.maxSize > 0 && g.records + b.recordCount() > batching.maxSize;
            if (g.records > 0 && (overRecords || g.bytes + b.accountedBytes() > GATHER_MAX_BYTES)) {
              sendGathered(g);
            }
            g.add(b);
            if (g.records >= batching.minSize || g.bytes >= GATHER_MAX_BYTES) sendGathered(g);
          }
        }
        long now = System.nanoTime();
        for (Gathering g : gathering.values()) {
          if (g.records > 0 && (now - g.firstNanos >= flushNanos || (closing && queue.size() == 0))) sendGathered(g);
        }
        if (closing && queue.size() == 0 && b == null) {
          for (Gathering g : gathering.values()) if (g.records > 0) sendGathered(g);
          return;
        }
      }
    } catch (InterruptedException e) {
      // Hard stop after the deadline: count what was still gathered.
      for (Gathering g : gathering.values()) {
        if (g.records > 0) {
          List<Batch> parts = List.copyOf(g.batches);
          countFailed(g.take(), "shutdown_timeout", false);
          for (Batch part : parts) part.releaseMemory();
        }
      }
    }
  }

  private void sendGathered(Gathering g) throws InterruptedException {
    List<Batch> parts = List.copyOf(g.batches);
    sendAndRelease(g.take(), parts);
  }

  /** Sends {@code batch}, then releases the memory of the queued batches it was made of, whatever the outcome. */
  private void sendAndRelease(Batch batch, List<Batch> parts) throws InterruptedException {
    try {
      send(batch);
    } finally {
      for (int i = 0; i < parts.size(); i++) parts.get(i).releaseMemory();
    }
  }

  private long nextFlushWaitNanos(Map<Signal, Gathering> gathering, long flushNanos) {
    long wait = TimeUnit.MILLISECONDS.toNanos(100);
    long now = System.nanoTime();
    for (Gathering g : gathering.values()) {
      if (g.records > 0) wait = Math.min(wait, Math.max(0, g.firstNanos + flushNanos - now));
    }
    return wait;
  }

  /** Splits to max_size and sends each piece with retries. */
  private void send(Batch batch) throws InterruptedException {
    List<Batch> pieces = BatchMerger.split(batch, config.batch.enabled ? config.batch.maxSize : 0);
    for (int i = 0; i < pieces.size(); i++) {
      try {
        sendWithRetry(pieces.get(i));
      } catch (InterruptedException e) {
        // Stopped at the shutdown deadline: this piece and the rest are not delivered.
        if (claim(pieces.get(i))) countFailed(pieces.get(i), "shutdown_timeout", false);
        for (int j = i + 1; j < pieces.size(); j++) countFailed(pieces.get(j), "shutdown_timeout", false);
        throw e;
      }
    }
  }

  /**
   * Sends one batch until it is delivered, permanently failed, out of retries or interrupted. While
   * it runs the batch is registered in {@link #inFlight}; whoever removes it from there (this thread
   * when it finishes, or {@link #shutdown} for a sender stuck past the deadline) counts it, so each
   * record is counted exactly once.
   */
  private void sendWithRetry(Batch batch) throws InterruptedException {
    inFlight.put(Thread.currentThread(), batch);
    Backoff backoff = new Backoff(config.retryOnFailure);
    long firstAttempt = System.nanoTime();
    long maxElapsed = config.retryOnFailure.maxElapsedTime.toNanos();
    int attempt = 0;
    while (true) {
      attempt++;
      ExportException failure = attempt(batch);
      lastFailure = failure == null ? null : describe(failure);
      if (failure == null) {
        if (claim(batch)) sent.get(batch.signal()).add(batch.recordCount());
        if (attempt > 1) host.reportStatus(context.id(), context.kind(), ComponentStatus.OK, "");
        return;
      }
      if (failure.isPermanent()) {
        context.logger().log(Level.ERROR, "exporter " + exporterLabel + ": dropping " + batch.recordCount()
            + " " + batch.signal().id() + " records, permanent error: " + describe(failure));
        if (claim(batch)) countFailed(batch, "permanent_error", true);
        return;
      }
      long delay = backoff.nextDelayNanos();
      long now = System.nanoTime();
      boolean outOfTime = !config.retryOnFailure.enabled
          || (maxElapsed > 0 && now + delay - firstAttempt > maxElapsed)
          || (closing && now + delay - deadlineNanos > 0);
      if (outOfTime) {
        String reason = closing ? "shutdown_timeout" : config.retryOnFailure.enabled ? "retries_exhausted" : "send_failed";
        context.logger().log(Level.ERROR, "exporter " + exporterLabel + ": dropping " + batch.recordCount()
            + " " + batch.signal().id() + " records after " + attempt + " attempt(s): " + describe(failure));
        if (claim(batch)) countFailed(batch, reason, false);
        return;
      }
      // Once per failing batch: an exporter that knows more (a broker down for a while: FAILED) may
      // report its own status meanwhile, and repeating DEGRADED on every retry would overwrite it.
      if (attempt == 1) {
        host.reportStatus(context.id(), context.kind(), ComponentStatus.DEGRADED, "retrying after: " + describe(failure));
      }
      context.logger().log(Level.WARNING, "exporter " + exporterLabel + ": attempt " + attempt + " failed ("
          + describe(failure) + "), retrying in " + TimeUnit.NANOSECONDS.toMillis(delay) + " ms");
      TimeUnit.NANOSECONDS.sleep(delay);
    }
  }

  /** Takes the calling sender's in-flight batch; false when shutdown already accounted for it. */
  private boolean claim(Batch batch) {
    return inFlight.remove(Thread.currentThread(), batch);
  }

  /** One push with the per-attempt timeout; returns the failure or null on success. */
  private ExportException attempt(Batch batch) throws InterruptedException {
    Thread self = Thread.currentThread();
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> timer = watchdog.schedule(() -> {
      timedOut.set(true);
      self.interrupt();
    }, config.timeout.toNanos(), TimeUnit.NANOSECONDS);
    long start = System.nanoTime();
    try {
      exporter.push(batch);
      return null;
    } catch (ExportException e) {
      return timedOut.get() ? ExportException.retryable("timed out after " + config.timeout, e) : e;
    } catch (RuntimeException e) {
      // A bug or unexpected state in the exporter: retrying will not help.
      return ExportException.permanent("unexpected " + e, e);
    } finally {
      timer.cancel(false);
      sendLatency.recordNanos(System.nanoTime() - start);
      if (Thread.interrupted() && !timedOut.get()) {
        throw new InterruptedException(); // a real stop request, not our timeout
      }
    }
  }

  private static String describe(ExportException e) {
    Throwable c = e.getCause();
    return c == null || e.getMessage().contains(String.valueOf(c.getMessage())) ? e.getMessage() : e.getMessage() + ": " + c;
  }

  private Counter failedCounter(Signal s, String reason, boolean permanent) {
    return context.metrics().counter("stacklens_exporter_send_failed_records_total",
        "Records the exporter gave up on", "exporter", exporterLabel, "signal", s.id(),
        "permanent", Boolean.toString(permanent), "reason", reason);
  }

  private void countFailed(Batch batch, String reason, boolean permanent) {
    failedCounter(batch.signal(), reason, permanent).add(batch.recordCount());
    if (SHUTDOWN_TIMEOUT.equals(reason)) lostAtShutdown.addAndGet(batch.recordCount());
  }

  /** Records this exporter held and could not deliver by the shutdown deadline. */
  public long lostAtShutdown() {
    return lostAtShutdown.get();
  }

  /** Why the last push failed (null when none failed since the last success): the likely cause of a loss at shutdown. */
  public String lastFailure() {
    return lastFailure;
  }

  /**
   * Drains the queue and what the senders gathered, retrying until {@code deadline}; then flushes and
   * shuts down the exporter. Records still held at the deadline are counted as failed
   * ({@code reason="shutdown_timeout"}). Call after the pipelines feeding it have stopped.
   */
  public void shutdown(Instant deadline) {
    if (!shutdown.compareAndSet(false, true)) return;
    deadlineNanos = System.nanoTime() + Math.max(0, deadline.toEpochMilli() - System.currentTimeMillis()) * 1_000_000;
    closing = true;
    for (Thread t : senders) {
      try {
        t.join(Math.max(1, deadline.toEpochMilli() - System.currentTimeMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) t.interrupt();
    }
    for (Thread t : senders) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A sender still stuck in push (ignoring the interrupt): its batch is not delivered as far as we know.
    for (Thread t : senders) {
      Batch stuck = inFlight.remove(t);
      if (stuck != null && t.isAlive()) {
        context.logger().log(Level.ERROR, "exporter " + exporterLabel + ": a push did not return by the shutdown deadline; "
            + stuck.recordCount() + " records counted as not delivered");
        countFailed(stuck, "shutdown_timeout", false);
      }
    }
    Batch left;
    try {
      while ((left = queue.poll(0, TimeUnit.NANOSECONDS)) != null) {
        countFailed(left, "shutdown_timeout", false);
        left.releaseMemory();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (started.get()) exporter.flush();
    } catch (ExportException e) {
      context.logger().log(Level.ERROR, "exporter " + exporterLabel + ": final flush failed: " + describe(e));
    }
    exporter.shutdown(deadline);
    watchdog.shutdownNow();
    queue.close();
    if (host != null) host.reportStatus(context.id(), context.kind(), ComponentStatus.STOPPED, "");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Batches of one signal gathered by one sender until min_size or flush_timeout. */
  private static final class Gathering {
    final List<Batch> batches = new ArrayList<>();
    int records;
    long bytes;
    long firstNanos;

    void add(Batch b) {
      if (batches.isEmpty()) firstNanos = System.nanoTime();
      batches.add(b);
      records += b.recordCount();
      bytes += b.accountedBytes();
    }

    Batch take() {
      Batch merged = BatchMerger.merge(new ArrayList<>(batches));
      batches.clear();
      records = 0;
      bytes = 0;
      return merged;
    }
  }
}
