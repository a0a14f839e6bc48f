package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shared exporter helper: wraps one {@link Exporter}'s push function in stages, each its own
 * class and tested on its own:
 *
 * <pre>
 *  pipeline workers ─enqueue─> {@link ExportQueue} ─> sender thread(s): {@link Batcher} ─> split at max_size
 *      ─> {@link RetryStage} (backoff, partial failures) ─> {@link AttemptStage} (timeout) ─> Exporter.push
 *                   └─ permanent failures ─> {@link DeadLetterStage} ─> the dead-letter exporter's runner
 *  receivers' dead letters ─offer (never waits)─> {@link ReceiverDeadLetters} ─> the dead-letter exporter's queue
 * </pre>
 *
 * The queue is an interface: the in-memory {@link MemoryExportQueue}, or the {@link
 * DiskExportQueue} ({@code sending_queue.storage: disk}), whose entries are confirmed only once the
 * exporter confirmed delivery and flushed, and which is not drained at shutdown: what it holds is
 * sent after the next start. Nothing leaves the helper unaccounted ({@link Outcomes}): every record
 * is either counted in {@code stacklens_exporter_sent_records_total} or in {@code
 * stacklens_exporter_send_failed_records_total{permanent, reason}}.
 */
public final class ExporterRunner implements RetryStage.Shutdown {
  private static final long ENQUEUE_WAIT_MS = 50;
  private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long GATHER_MAX_BYTES = Batcher.GATHER_MAX_BYTES;

  private final ComponentContext context;
  private final Exporter exporter;
  private final ExporterConfig config;
  private final ExportQueue queue;
  private final String exporterLabel;
  private final Outcomes outcomes;
  private final RetryStage retry;
  private final DeadLetterStage deadLetters;
  private final List<Thread> senders = new ArrayList<>();
  private final ScheduledExecutorService watchdog;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private volatile boolean closing;

  /** Whether a pipeline ever handed over a batch with an acknowledgement ({@code end_to_end}). */
  private volatile boolean acknowledging;

  private volatile long deadlineNanos = Long.MAX_VALUE;
  private Host host;

  /** A runner with an in-memory queue (tests, and exporters whose queue is not on disk). */
  public ExporterRunner(ComponentContext context, Exporter exporter, ExporterConfig config) {
    this(context, exporter, config, memoryQueue(config));
  }

  /** A runner over the given queue (tests). */
  public ExporterRunner(
      ComponentContext context, Exporter exporter, ExporterConfig config, ExportQueue queue) {
    this(context, exporter, config, new Outcomes(context), queue);
  }

  /**
   * A runner whose queue is what {@code sending_queue.storage} asks for: a disk queue in {@code
   * sending_queue.directory}, by default {@code <dataDir>/queue/<exporter id>}.
   *
   * @throws IOException when the disk queue cannot be opened (its directory is not writable or is
   *     locked by another running agent)
   */
  public static ExporterRunner create(
      ComponentContext context, Exporter exporter, ExporterConfig config, Path dataDir)
      throws IOException {
    if (!config.sendingQueue.persistent()) return new ExporterRunner(context, exporter, config);
    Outcomes outcomes = new Outcomes(context);
    DiskExportQueue queue;
    try {
      queue =
          new DiskExportQueue(
              queueDirectory(context.id(), config, dataDir),
              config.sendingQueue,
              context.id().toString(),
              context.logger(),
              context.metrics(),
              outcomes::droppedFromQueue);
    } catch (IOException e) {
      exporter.shutdown(Instant.now()); // created, never started: let it free what it holds
      throw e;
    }
    return new ExporterRunner(context, exporter, config, outcomes, queue);
  }

  /** Where the disk queue of exporter {@code id} lives. */
  public static Path queueDirectory(ComponentId id, ExporterConfig config, Path dataDir) {
    if (config.sendingQueue.directory != null) return Path.of(config.sendingQueue.directory);
    return dataDir.resolve("queue").resolve(id.toString().replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  private static ExportQueue memoryQueue(ExporterConfig config) {
    return new MemoryExportQueue(
        config.sendingQueue.queueSize, config.sendingQueue.effectiveMaxSize().bytes());
  }

  private ExporterRunner(
      ComponentContext context,
      Exporter exporter,
      ExporterConfig config,
      Outcomes outcomes,
      ExportQueue queue) {
    this.context = context;
    this.exporter = exporter;
    this.config = config;
    this.exporterLabel = context.id().toString();
    this.outcomes = outcomes;
    this.queue = queue;
    MetricsRegistry m = context.metrics();
    m.gauge(
        "stacklens_exporter_queue_size",
        "Batches waiting in the exporter queue",
        queue::size,
        "exporter",
        exporterLabel);
    m.gauge(
        "stacklens_exporter_queue_capacity",
        "Capacity of the exporter queue in batches",
        queue::capacity,
        "exporter",
        exporterLabel);
    m.gauge(
        "stacklens_exporter_queue_bytes",
        "Estimated bytes of the batches waiting in the exporter queue",
        queue::bytes,
        "exporter",
        exporterLabel);
    m.gauge(
        "stacklens_exporter_queue_capacity_bytes",
        "Capacity of the exporter queue in estimated bytes",
        () -> (double) queue.capacityBytes(),
        "exporter",
        exporterLabel);
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("exporter-" + exporterLabel + "-timeout"));
    AttemptStage attempts =
        new AttemptStage(
            exporter,
            config.timeout,
            watchdog,
            m.histogram(
                "stacklens_exporter_send_duration_seconds",
                "Duration of one push attempt",
                "exporter",
                exporterLabel));
    this.deadLetters = new DeadLetterStage(context);
    this.retry =
        new RetryStage(context, config.retryOnFailure, attempts, outcomes, this, deadLetters);
  }

  /** The exporter's component id. */
  public ComponentId id() {
    return context.id();
  }

  /**
   * Sends what this exporter fails permanently to {@code target} ({@code dead_letter.exporter});
   * call before {@link #start}. The target must be started before and shut down after this runner.
   */
  public void deadLetterTo(ExporterRunner target) {
    if (target == this)
      throw new IllegalArgumentException("an exporter cannot be its own dead letter");
    deadLetters.connect(target);
  }

  public void start(Host host) throws Exception {
    if (!started.compareAndSet(false, true)) return;
    this.host = host;
    deadLetters.useMemory(host.memoryLimiter());
    queue.useMemory(host.memoryLimiter());
    retry.start(host);
    exporter.start(host);
    for (int i = 0; i < config.sendingQueue.numConsumers; i++) {
      Thread t = DaemonThreads.create(this::sendLoop, "exporter-" + exporterLabel + "-sender-" + i);
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
    return enqueue(batch, null);
  }

  /**
   * Like {@link #enqueue(Batch)}, with one party of {@code ack} ({@code delivery: end_to_end}) that
   * this exporter settles once it delivered the batch (done: sent, or failed permanently) or gave
   * up on it (failed). When this throws, the caller still owns that party.
   */
  public boolean enqueue(Batch batch, Acknowledgement ack) throws InterruptedException {
    if (ack != null) acknowledging = true;
    while (true) {
      if (queue.offer(batch, ack, ENQUEUE_WAIT_MS, TimeUnit.MILLISECONDS)) return true;
      if (closing && System.nanoTime() - deadlineNanos > 0) {
        outcomes.failed(batch, Outcomes.SHUTDOWN_TIMEOUT, false);
        batch.releaseMemory();
        if (ack != null) ack.fail();
        return false;
      }
    }
  }

  /**
   * Hands a batch to the exporter's queue without waiting, for callers that must never block (a
   * receiver's dead letters, {@link ReceiverDeadLetters}). On a refusal the caller still owns the
   * batch.
   *
   * @return {@link Admission#ACCEPTED} when the queue took it; {@link Admission#REFUSED_FULL} when
   *     the queue is full; {@link Admission#REFUSED_SHUTTING_DOWN} before {@link #start} and once
   *     {@link #shutdown} began
   */
  public Admission offer(Batch batch) {
    if (!started.get() || closing) return Admission.REFUSED_SHUTTING_DOWN;
    try {
      return queue.offer(batch, 0, TimeUnit.NANOSECONDS)
          ? Admission.ACCEPTED
          : Admission.REFUSED_FULL;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Admission.REFUSED_SHUTTING_DOWN;
    }
  }

  /**
   * One sender thread: queue -> batcher -> deliver, until the queue is drained at shutdown or the
   * thread is stopped.
   */
  private void sendLoop() {
    Batcher batcher = new Batcher(config.batch);
    try {
      while (true) {
        if (closing && queue.persistent()) {
          // A disk queue is not drained at shutdown: send what was gathered, leave the rest.
          batcher.flush(System.nanoTime(), true, this::deliver);
          return;
        }
        Batch b =
            queue.poll(
                batcher.nanosUntilDue(System.nanoTime(), MAX_POLL_NANOS), TimeUnit.NANOSECONDS);
        if (b != null) batcher.add(b, System.nanoTime(), this::deliver);
        boolean drained = closing && queue.size() == 0;
        batcher.flush(System.nanoTime(), drained, this::deliver);
        if (drained && b == null) return;
      }
    } catch (InterruptedException e) {
      // Hard stop after the deadline: count what was still gathered (a disk queue keeps it).
      for (Batcher.Gathered g : batcher.takeAll()) {
        if (!queue.persistent()) outcomes.failed(g.merged(), Outcomes.SHUTDOWN_TIMEOUT, false);
        finish(g, notDelivered());
      }
    }
  }

  /**
   * Splits a gathered push at max_size and sends each piece; then tells the queue how the queued
   * batches ended (the worst of their pieces) and gives their memory back, whatever the outcome.
   */
  private void deliver(Batcher.Gathered gathered) throws InterruptedException {
    Sent how = notDelivered();
    try {
      List<Batch> pieces =
          BatchMerger.split(gathered.merged(), config.batch.enabled ? config.batch.maxSize : 0);
      Sent worst = Sent.DONE;
      for (int i = 0; i < pieces.size(); i++) {
        try {
          Sent sent = retry.send(pieces.get(i));
          if (sent.compareTo(worst) > 0) worst = sent;
        } catch (InterruptedException e) {
          // Stopped at the shutdown deadline: this piece and the rest are not delivered (a disk
          // queue keeps them for the next start).
          retry.abandonInFlight();
          if (!queue.persistent()) {
            for (int j = i + 1; j < pieces.size(); j++)
              outcomes.failed(pieces.get(j), Outcomes.SHUTDOWN_TIMEOUT, false);
          }
          throw e;
        }
      }
      how = worst;
      // What a disk queue forgets, or a client waits for, is made durable first.
      if (how != Sent.KEPT && (queue.persistent() || acknowledging) && !confirmDelivery())
        how = notDelivered();
    } finally {
      finish(gathered, how);
    }
  }

  /** How a batch the helper stops sending ends: kept by a disk queue, lost from a memory one. */
  private Sent notDelivered() {
    return queue.persistent() ? Sent.KEPT : Sent.FAILED;
  }

  private void finish(Batcher.Gathered gathered, Sent how) {
    for (Batch part : gathered.parts()) queue.finished(part, how);
    gathered.releaseParts();
  }

  /**
   * Before a disk queue forgets what was pushed, or a client waiting for delivery is answered, the
   * exporter makes it durable ({@link Exporter#flush}: a file's buffer written out; Kafka and
   * PostgreSQL confirm in push already). Retried until it succeeds; false when the helper closes
   * first (a disk queue's entries are then sent again after the next start).
   */
  private boolean confirmDelivery() throws InterruptedException {
    Backoff backoff = new Backoff(config.retryOnFailure);
    while (true) {
      try {
        exporter.flush();
        return true;
      } catch (ExportException e) {
        if (closing) return false;
        long delay = backoff.nextDelayNanos();
        context
            .logger()
            .log(
                Level.WARNING,
                "exporter "
                    + exporterLabel
                    + ": flush after a push failed ("
                    + RetryStage.describe(e)
                    + "); the disk queue keeps the records until it succeeds, retrying in "
                    + TimeUnit.NANOSECONDS.toMillis(delay)
                    + " ms");
        TimeUnit.NANOSECONDS.sleep(delay);
      }
    }
  }

  @Override
  public boolean closing() {
    return closing;
  }

  @Override
  public long deadlineNanos() {
    return deadlineNanos;
  }

  @Override
  public boolean keepsUnsent() {
    return queue.persistent();
  }

  /**
   * Forces what this exporter's disk queue took so far to disk, as its {@code fsync} policy asks;
   * no-op for a memory queue. False when a force failed.
   */
  public boolean sync() {
    return queue.sync();
  }

  /** Whether this exporter's queue is on disk. */
  public boolean persistentQueue() {
    return queue.persistent();
  }

  /** Records this exporter held and could not deliver by the shutdown deadline. */
  public long lostAtShutdown() {
    return outcomes.lostAtShutdown();
  }

  /**
   * Why the last push failed (null when none failed since the last success): the likely cause of a
   * loss at shutdown.
   */
  public String lastFailure() {
    return retry.lastFailure();
  }

  /**
   * Drains the queue and what the senders gathered, retrying until {@code deadline}; then flushes
   * and shuts down the exporter. Records still held at the deadline are counted as failed ({@code
   * reason="shutdown_timeout"}). Call after the pipelines feeding it have stopped.
   */
  public void shutdown(Instant deadline) {
    if (!shutdown.compareAndSet(false, true)) return;
    deadlineNanos =
        System.nanoTime()
            + Math.max(0, deadline.toEpochMilli() - System.currentTimeMillis()) * 1_000_000;
    closing = true;
    for (Thread t : senders) {
      join(t, Math.max(1, deadline.toEpochMilli() - System.currentTimeMillis()));
      if (t.isAlive()) t.interrupt();
    }
    for (Thread t : senders) join(t, 1000);
    // A sender still stuck in push (ignoring the interrupt): its batch is not delivered as far as
    // we know.
    for (Thread t : senders) {
      if (!t.isAlive()) continue;
      Batch stuck = outcomes.claimFrom(t);
      if (stuck != null) {
        context
            .logger()
            .log(
                Level.ERROR,
                "exporter "
                    + exporterLabel
                    + ": a push did not return by the shutdown deadline; "
                    + stuck.recordCount()
                    + (queue.persistent()
                        ? " records stay in the disk queue for the next start"
                        : " records counted as not delivered"));
        if (!queue.persistent()) outcomes.failed(stuck, Outcomes.SHUTDOWN_TIMEOUT, false);
      }
    }
    if (queue.persistent()) {
      int left = queue.size();
      if (left > 0) {
        context
            .logger()
            .log(
                Level.INFO,
                "exporter "
                    + exporterLabel
                    + ": "
                    + left
                    + " entries stay in the disk queue for the next start");
      }
    } else {
      drainLeftAsLost();
    }
    try {
      if (started.get()) exporter.flush();
    } catch (ExportException e) {
      context
          .logger()
          .log(
              Level.ERROR,
              "exporter " + exporterLabel + ": final flush failed: " + RetryStage.describe(e));
    }
    exporter.shutdown(deadline);
    watchdog.shutdownNow();
    queue.close();
    if (host != null) host.reportStatus(context.id(), context.kind(), ComponentStatus.STOPPED, "");
  }

  private void drainLeftAsLost() {
    try {
      Batch left;
      while ((left = queue.poll(0, TimeUnit.NANOSECONDS)) != null) {
        outcomes.failed(left, Outcomes.SHUTDOWN_TIMEOUT, false);
        queue.finished(left, Sent.FAILED);
        left.releaseMemory();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread t, long millis) {
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
