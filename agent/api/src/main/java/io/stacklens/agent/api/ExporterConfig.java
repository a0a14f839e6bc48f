package io.stacklens.agent.api;

import java.time.Duration;

/**
 * Base of every exporter's config: the settings of the shared exporter helper. An exporter's
 * factory may change these defaults in its {@code createDefaultConfig()}.
 *
 * <pre>
 * timeout: 5s                 # one push attempt; the sender is interrupted after it
 * sending_queue:
 *   queue_size: 128           # batches held before the pipeline worker has to wait
 *   max_size: 32MiB           # ... or this much decoded telemetry (estimated heap), whichever comes first
 *   num_consumers: 1          # sender threads calling push concurrently
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
    /** Number of batches held before the pipeline worker has to wait. Default 128; at least 1. */
    public int queueSize = 128;

    /**
     * Estimated heap bytes of the batches held; a batch larger than this still enters an empty
     * queue.
     */
    public ByteSize maxSize = ByteSize.ofMebibytes(32);

    /**
     * Sender threads calling {@link Exporter#push} concurrently. Default 1; at least 1. With more
     * than one, pushes of one exporter may overlap and finish out of order.
     */
    public int numConsumers = 1;

    @Override
    public void validate(ConfigProblems problems) {
      if (queueSize < 1) problems.error("queue_size", "must be at least 1, got " + queueSize);
      if (maxSize == null || maxSize.bytes() < 1024)
        problems.error("max_size", "must be at least 1KiB, got " + maxSize);
      if (numConsumers < 1)
        problems.error("num_consumers", "must be at least 1, got " + numConsumers);
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
