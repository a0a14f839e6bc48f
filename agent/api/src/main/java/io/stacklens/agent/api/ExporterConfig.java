package io.stacklens.agent.api;

import java.time.Duration;

/**
 * Base of every exporter's config: the settings of the shared exporter helper. An exporter's
 * factory may change these defaults in its {@code createDefaultConfig()}.
 *
 * <pre>
 * timeout: 5s                 # one push attempt; the sender is interrupted after it
 * sending_queue:
 *   queue_size: 128           # batches held in memory before the pipeline worker has to wait
 *   max_size: 8MiB            # memory: this much decoded telemetry (estimated heap); disk: bytes on disk (default 1GiB)
 *   num_consumers: 1          # sender threads calling push concurrently
 *   storage: memory           # memory | disk: an append-only log that survives a crash or restart
 *   directory: ...            # disk only; default &lt;service.data_dir&gt;/queue/&lt;exporter id&gt;
 *   fsync: batch              # disk only: always | batch | interval
 *   fsync_interval: 1s        # disk only, with fsync: interval
 *   when_full: block          # disk only: block | drop_oldest
 *   segment_size: 16MiB       # disk only: size at which the log rolls to a new file
 * batch:
 *   enabled: true
 *   min_size: 1000            # records: send as soon as this many are gathered ...
 *   max_size: 10000           # ... never more than this many in one push (0 = no limit)
 *   flush_timeout: 200ms      # ... or when the oldest gathered record waited this long
 * retry_on_failure:
 *   enabled: true
 *   initial_interval: 1s
 *   max_interval: 30s
 *   multiplier: 1.5
 *   randomization_factor: 0.5
 *   max_elapsed_time: 5m      # 0 = retry until shutdown
 * dead_letter:
 *   exporter: file/dlq        # an exporter id: records this exporter fails permanently go there
 * </pre>
 */
public class ExporterConfig implements DeadLetterConfig {
  /**
   * Maximum time one push attempt may take; the sending thread is interrupted after it. Default 5
   * s; must be positive.
   */
  public Duration timeout = Duration.ofSeconds(5);

  /** Bounds of the queue between the pipeline worker and the sender threads. */
  public QueueSettings sendingQueue = new QueueSettings();

  /** How records are gathered into larger batches before a push. */
  public BatchSettings batch = new BatchSettings();

  /** Back-off between attempts after a retryable {@link ExportException}. */
  public RetrySettings retryOnFailure = new RetrySettings();

  /**
   * Where records go that this exporter fails permanently (a record too large, refused by the
   * destination's schema, not encodable): another exporter, by id. Unset: they are counted and
   * dropped.
   */
  public DeadLetterSettings deadLetter = new DeadLetterSettings();

  @Override
  public DeadLetterSettings deadLetterSettings() {
    return deadLetter;
  }

  /** The {@code sending_queue} section: how much waits to be sent and how many threads send it. */
  public static class QueueSettings implements ComponentConfig {
    /**
     * Default {@link #maxSize} of a memory queue: estimated heap bytes. Small on purpose: a full
     * queue pushes back on its pipeline and the clients retry; riding out an outage is the disk
     * queue's job (docs/benchmarks.md, "Buffer sizes").
     */
    public static final ByteSize DEFAULT_MEMORY_MAX_SIZE = ByteSize.ofMebibytes(8);

    /** Default {@link #maxSize} of a disk queue: bytes on disk. */
    public static final ByteSize DEFAULT_DISK_MAX_SIZE = ByteSize.ofMebibytes(1024);

    /**
     * Number of batches held in memory before the pipeline worker has to wait (memory), or kept
     * decoded in memory beside the log (disk). Default 128; at least 1.
     */
    public int queueSize = 128;

    /**
     * With {@code storage: memory}, estimated heap bytes of the batches held (default 8MiB); with
     * {@code storage: disk}, bytes the log may take on disk (default 1GiB). A batch larger than
     * this still enters an empty queue. Unset means the default of the storage.
     */
    public ByteSize maxSize;

    /**
     * Sender threads calling {@link Exporter#push} concurrently. Default 1; at least 1. With more
     * than one, pushes of one exporter may overlap and finish out of order.
     */
    public int numConsumers = 1;

    /** Where queued batches are kept. Default {@link Storage#MEMORY}. */
    public Storage storage = Storage.MEMORY;

    /**
     * Directory of a disk queue; one agent at a time may use it. Unset: {@code
     * <service.data_dir>/queue/<exporter id>}.
     */
    public String directory;

    /** When a disk queue forces what it wrote to the disk. Default {@link Fsync#BATCH}. */
    public Fsync fsync = Fsync.BATCH;

    /** How often a disk queue is forced to disk with {@code fsync: interval}. Default 1 s. */
    public Duration fsyncInterval = Duration.ofSeconds(1);

    /** What a full disk queue does with a new batch. Default {@link WhenFull#BLOCK}. */
    public WhenFull whenFull = WhenFull.BLOCK;

    /**
     * Size at which a disk queue's log rolls over to a new file; a file is deleted once everything
     * in it was delivered. Default 16MiB; at least 64KiB and not more than {@link #maxSize}.
     */
    public ByteSize segmentSize = ByteSize.ofMebibytes(16);

    /** Where queued batches are kept. */
    public enum Storage {
      /** On the heap: lost when the agent stops or crashes. */
      MEMORY,
      /** In an append-only log on disk: replayed after a restart or a crash. */
      DISK
    }

    /**
     * When a disk queue forces what it wrote to the disk (a crash of the agent alone loses nothing
     * either way).
     */
    public enum Fsync {
      /** After every batch written: safe against power loss, slowest. */
      ALWAYS,
      /**
       * Once per group of batches a pipeline worker hands over, before they are acknowledged with
       * {@code delivery: durable}: safe against power loss, one fsync shared by many batches.
       */
      BATCH,
      /** Every {@code fsync_interval}, in the background: a power loss may lose that much. */
      INTERVAL
    }

    /** What a full disk queue does with a new batch. */
    public enum WhenFull {
      /** Makes the pipeline wait, so its receivers refuse clients with a retry hint. */
      BLOCK,
      /** Drops the oldest batches not yet being sent, counted and logged. */
      DROP_OLDEST
    }

    /** {@link #maxSize}, or the default of the storage when it is unset. */
    public ByteSize effectiveMaxSize() {
      if (maxSize != null) return maxSize;
      return storage == Storage.DISK ? DEFAULT_DISK_MAX_SIZE : DEFAULT_MEMORY_MAX_SIZE;
    }

    /** Whether batches are kept on disk. */
    public boolean persistent() {
      return storage == Storage.DISK;
    }

    @Override
    public void validate(ConfigProblems problems) {
      if (queueSize < 1) problems.error("queue_size", "must be at least 1, got " + queueSize);
      if (maxSize != null && maxSize.bytes() < 1024)
        problems.error("max_size", "must be at least 1KiB, got " + maxSize);
      if (numConsumers < 1)
        problems.error("num_consumers", "must be at least 1, got " + numConsumers);
      if (storage != Storage.DISK) return;
      if (segmentSize == null || segmentSize.bytes() < 64 * 1024) {
        problems.error("segment_size", "must be at least 64KiB, got " + segmentSize);
      } else if (segmentSize.bytes() > effectiveMaxSize().bytes()) {
        problems.error(
            "segment_size",
            "must not be larger than max_size (" + effectiveMaxSize() + "), got " + segmentSize);
      }
      if (fsync == Fsync.INTERVAL && (fsyncInterval.isNegative() || fsyncInterval.isZero())) {
        problems.error(
            "fsync_interval", "must be positive, got " + Durations.describe(fsyncInterval));
      }
      if (directory != null && directory.isBlank()) {
        problems.error("directory", "must not be empty; leave it out for the default");
      }
    }
  }

  /** The {@code batch} section: gathering records into larger batches before they are pushed. */
  public static class BatchSettings implements ComponentConfig {
    /**
     * Whether records are gathered at all; when false every batch is pushed as it arrives. Default
     * true.
     */
    public boolean enabled = true;

    /**
     * Records to gather before a batch is sent without waiting for {@link #flushTimeout}. Default
     * 1000; at least 1.
     */
    public int minSize = 1000;

    /**
     * Most records in one push; larger batches are split. 0 means no limit; otherwise at least
     * {@link #minSize}. Default 10000.
     */
    public int maxSize = 10000;

    /**
     * Longest the oldest gathered record waits before what was gathered is sent anyway. Default 200
     * ms; must be positive.
     */
    public Duration flushTimeout = Duration.ofMillis(200);

    @Override
    public void validate(ConfigProblems problems) {
      if (minSize < 1) problems.error("min_size", "must be at least 1, got " + minSize);
      if (maxSize < 0)
        problems.error("max_size", "must be 0 (no limit) or positive, got " + maxSize);
      if (maxSize > 0 && maxSize < minSize) {
        problems.error(
            "max_size",
            "must be greater than or equal to min_size (" + minSize + "), got " + maxSize);
      }
      if (flushTimeout.isNegative() || flushTimeout.isZero()) {
        problems.error(
            "flush_timeout", "must be positive, got " + Durations.describe(flushTimeout));
      }
    }
  }

  /**
   * The {@code retry_on_failure} section: exponential back-off between attempts of a retryable
   * failure.
   */
  public static class RetrySettings implements ComponentConfig {
    /**
     * Whether retryable failures are retried; when false a failed batch is dropped at once. Default
     * true.
     */
    public boolean enabled = true;

    /** Wait before the first retry. Default 1 s; must be positive. */
    public Duration initialInterval = Duration.ofSeconds(1);

    /**
     * Upper bound of the wait between two attempts. Default 30 s; not less than {@link
     * #initialInterval}.
     */
    public Duration maxInterval = Duration.ofSeconds(30);

    /** Factor the wait grows by after each attempt. Default 1.5; at least 1.0. */
    public double multiplier = 1.5;

    /**
     * Relative jitter of each wait, in [0, 1): the wait is drawn between (1 - f) and (1 + f) times
     * the nominal one, never above {@link #maxInterval}. Default 0.5.
     */
    public double randomizationFactor = 0.5;

    /**
     * Time from the first attempt after which no retry is started; the batch is then dropped (or
     * dead-lettered). 0 retries until shutdown. Default 5 min; not negative.
     */
    public Duration maxElapsedTime = Duration.ofMinutes(5);

    @Override
    public void validate(ConfigProblems problems) {
      if (initialInterval.isNegative() || initialInterval.isZero()) {
        problems.error(
            "initial_interval", "must be positive, got " + Durations.describe(initialInterval));
      }
      if (maxInterval.compareTo(initialInterval) < 0) {
        problems.error("max_interval", "must be greater than or equal to initial_interval");
      }
      if (multiplier < 1.0) problems.error("multiplier", "must be at least 1.0, got " + multiplier);
      if (randomizationFactor < 0 || randomizationFactor >= 1) {
        problems.error("randomization_factor", "must be in [0, 1), got " + randomizationFactor);
      }
      if (maxElapsedTime.isNegative()) problems.error("max_elapsed_time", "must not be negative");
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (timeout.isNegative() || timeout.isZero())
      problems.error("timeout", "must be positive, got " + Durations.describe(timeout));
  }
}
