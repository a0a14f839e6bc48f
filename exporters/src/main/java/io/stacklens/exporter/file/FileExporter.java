package io.stacklens.exporter.file;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ErrorText;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.telemetry.Counter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes batches to a local file as JSON lines or OTLP/JSON, with size and age rotation.
 *
 * <p>Each sender thread encodes its batch into its own reused buffer, then appends the whole lines
 * to the {@link RotatingFile} under its lock. A timer flushes the write buffer every {@code
 * flush_interval} and rotates a file that reached {@code max_age}; a second thread gzips and prunes
 * rotated files.
 */
final class FileExporter implements Exporter {
  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int STOPPED = 2;

  private final ComponentContext context;
  private final FileExporterConfig config;
  private final Path path;
  private final RotatingFile file;
  private final BackupFiles backups;
  private final ThreadLocal<BatchEncoder> encoders;
  private final Counter rotations;
  private final Counter writeErrors;
  private final Counter rotationErrors;
  private final Counter backupErrors;
  private final AtomicInteger state = new AtomicInteger(NEW);

  /**
   * Rotation (by size or age) is on and rotated files are gzipped: only then can compression be
   * left unfinished.
   */
  private final boolean compressesRotated;

  /** Backup tasks (compress, prune, recover) submitted and not finished. */
  private final AtomicInteger pendingBackupTasks = new AtomicInteger();

  private ScheduledExecutorService timer;
  private ExecutorService background;

  FileExporter(ComponentContext context, FileExporterConfig config) {
    this(context, config, Clock.systemUTC());
  }

  FileExporter(ComponentContext context, FileExporterConfig config, Clock clock) {
    this.context = context;
    this.config = config;
    this.path = Path.of(config.path);
    FileExporterConfig.RotationSettings r = config.rotation;
    this.backups = new BackupFiles(path, r.maxBackups, r.compress);
    this.compressesRotated = r.compress && (r.maxBytes() > 0 || !r.maxAge.isZero());
    this.file =
        new RotatingFile(
            path, r.maxBytes(), r.maxAge, config.fsync, backups, new Listener(), clock);
    FileFormat format = config.format;
    this.encoders = ThreadLocal.withInitial(() -> new BatchEncoder(format));
    String id = context.id().toString();
    var metrics = context.metrics();
    this.rotations =
        metrics.counter(
            "stacklens_exporter_file_rotations_total",
            "Files rotated by the file exporter.",
            "exporter",
            id);
    this.writeErrors =
        metrics.counter(
            "stacklens_exporter_file_errors_total",
            "Failed file operations of the file exporter (the push is retried).",
            "exporter",
            id,
            "operation",
            "write");
    this.rotationErrors =
        metrics.counter(
            "stacklens_exporter_file_errors_total",
            "Failed file operations of the file exporter (the push is retried).",
            "exporter",
            id,
            "operation",
            "rotate");
    this.backupErrors =
        metrics.counter(
            "stacklens_exporter_file_errors_total",
            "Failed file operations of the file exporter (the push is retried).",
            "exporter",
            id,
            "operation",
            "backup");
  }

  @Override
  public void start(Host host) throws StartException {
    if (!state.compareAndSet(NEW, RUNNING)) return;
    try {
      file.open();
    } catch (IOException e) {
      state.set(STOPPED);
      throw StartException.cannotWrite("path", path, e);
    }
    String id = context.id().toString();
    context
        .logger()
        .log(
            System.Logger.Level.INFO,
            id
                + ": writing "
                + config.format.name().toLowerCase(java.util.Locale.ROOT)
                + " to "
                + path.toAbsolutePath().normalize());
    background =
        Executors.newSingleThreadExecutor(DaemonThreads.named("stacklens-" + id + "-backups"));
    submitBackupTask(backups::recover);
    Duration interval = config.flushInterval;
    // With flush_interval 0 every push flushes; the timer then only rotates idle files by age.
    Duration period =
        !interval.isZero()
            ? interval
            : config.rotation.maxAge.isZero() ? Duration.ZERO : Duration.ofSeconds(1);
    if (!period.isZero()) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              DaemonThreads.named("stacklens-" + id + "-flush"));
      long millis = Math.max(1, period.toMillis());
      timer.scheduleWithFixedDelay(this::flushOnTimer, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void push(Batch batch) throws ExportException {
    if (state.get() != RUNNING) {
      throw ExportException.retryable("exporter " + context.id() + " is not running");
    }
    // Lines go to the file about a MiB at a time as they are encoded, so a push of large records
    // never
    // needs its whole encoding in memory. A write failure is retried for the whole batch (lines
    // written
    // before it may then be written twice: at least once).
    IOException[] writeFailure = new IOException[1];
    BatchEncoder.Sink sink =
        (bytes, length) -> {
          try {
            file.write(bytes, length);
          } catch (IOException e) {
            writeFailure[0] = e;
            throw e;
          }
        };
    try {
      encoders.get().encode(batch, sink);
      if (config.flushInterval.isZero()) file.flush();
    } catch (IOException e) {
      writeErrors.inc();
      IOException cause = writeFailure[0] != null ? writeFailure[0] : e;
      throw ExportException.retryable(
          "exporter "
              + context.id()
              + ": writing '"
              + path
              + "' failed: "
              + ErrorText.reason(cause),
          cause);
    } catch (RuntimeException e) {
      throw ExportException.permanent(
          "exporter "
              + context.id()
              + ": cannot encode "
              + batch.signal().id()
              + " batch as "
              + config.format.name().toLowerCase(java.util.Locale.ROOT)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void flush() throws ExportException {
    try {
      file.flush();
    } catch (IOException e) {
      writeErrors.inc();
      throw ExportException.retryable(
          "exporter " + context.id() + ": flushing '" + path + "' failed: " + ErrorText.reason(e),
          e);
    }
  }

  @Override
  public void shutdown(Instant deadline) {
    if (state.getAndSet(STOPPED) != RUNNING) return;
    if (timer != null) timer.shutdownNow();
    try {
      file.close();
    } catch (IOException e) {
      writeErrors.inc();
      context
          .logger()
          .log(Level.ERROR, "exporter " + context.id() + ": closing '" + path + "' failed", e);
    }
    background.shutdown();
    try {
      long waitMillis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      if (!background.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
        // An idle executor may simply not have terminated yet: warn only when a file is left
        // uncompressed.
        int unfinished = pendingBackupTasks.get();
        background.shutdownNow();
        long uncompressed = compressesRotated && unfinished > 0 ? uncompressedBackups() : 0;
        if (uncompressed > 0) {
          context
              .logger()
              .log(
                  Level.WARNING,
                  "exporter "
                      + context.id()
                      + ": "
                      + uncompressed
                      + " rotated file(s) of '"
                      + path
                      + "' not compressed before the shutdown deadline; they are compressed at the next start");
        }
      }
    } catch (InterruptedException e) {
      background.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void flushOnTimer() {
    try {
      file.flush();
      file.rotateIfTooOld();
    } catch (IOException e) {
      writeErrors.inc();
      context
          .logger()
          .log(
              Level.WARNING,
              "exporter "
                  + context.id()
                  + ": flushing '"
                  + path
                  + "' failed: "
                  + ErrorText.reason(e));
    } catch (RuntimeException e) {
      context.logger().log(Level.ERROR, "exporter " + context.id() + ": flush timer failed", e);
    }
  }

  private long uncompressedBackups() {
    try {
      return backups.list().stream().filter(p -> !p.toString().endsWith(BackupFiles.GZ)).count();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * Runs {@code task} on the backup thread; counted in {@link #pendingBackupTasks} until it ends.
   */
  private void submitBackupTask(IoTask task) {
    pendingBackupTasks.incrementAndGet();
    try {
      background.execute(
          () -> {
            try {
              runBackupTask(task);
            } finally {
              pendingBackupTasks.decrementAndGet();
            }
          });
    } catch (RejectedExecutionException e) {
      // Shutting down: the next start's recovery compresses and prunes.
      pendingBackupTasks.decrementAndGet();
    }
  }

  private void runBackupTask(IoTask task) {
    try {
      task.run();
    } catch (IOException | RuntimeException e) {
      if (state.get() == STOPPED
          && (Thread.currentThread().isInterrupted() || e instanceof ClosedByInterruptException)) {
        return; // stopped at the shutdown deadline (reported there); the next start's recovery
        // finishes it
      }
      backupErrors.inc();
      context
          .logger()
          .log(
              Level.WARNING,
              "exporter "
                  + context.id()
                  + ": compressing or pruning rotated files of '"
                  + path
                  + "' failed: "
                  + ErrorText.reason(e));
    }
  }

  @FunctionalInterface
  private interface IoTask {
    void run() throws IOException;
  }

  private final class Listener implements RotatingFile.RotationListener {
    @Override
    public void rotated(Path backup) {
      rotations.inc();
      submitBackupTask(() -> backups.processRotated(backup));
    }

    @Override
    public void rotationFailed(Path file, IOException error) {
      rotationErrors.inc();
      context
          .logger()
          .log(
              Level.WARNING,
              "exporter "
                  + context.id()
                  + ": rotating '"
                  + file
                  + "' failed, writing on"
                  + " into it and retrying in "
                  + RotatingFile.ROTATION_RETRY_PAUSE.toMinutes()
                  + " min: "
                  + ErrorText.reason(error));
    }
  }
}
