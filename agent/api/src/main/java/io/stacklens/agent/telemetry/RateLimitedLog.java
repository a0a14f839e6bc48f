package io.stacklens.agent.telemetry;

import io.stacklens.agent.concurrent.DaemonThreads;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A logger for things that can happen thousands of times a second when someone attacks or misuses a
 * port (refused connections, timeouts, oversized requests): one line per reason per interval.
 *
 * <p>The first occurrence of a reason is written at once. Later ones within the interval are only
 * counted; when the interval ends, one summary line is written: the latest message followed by
 * {@code (N more like this in the last 60s)}. The next occurrence after that starts a new interval
 * and is written at once again. Messages are suppliers, so a suppressed occurrence costs a map
 * lookup and an increment, not a string.
 *
 * <p>Summaries are written by one shared daemon thread, started on first need. {@link #flushAll()}
 * writes every pending summary now (the agent calls it when it stops).
 *
 * <pre>{@code
 * private static final RateLimitedLog REFUSALS = RateLimitedLog.of(System.getLogger("..."), Duration.ofMinutes(1));
 * REFUSALS.warn("connection_limit", () -> "otlp: refused a connection from " + remote + ": 1000 connections open (max_connections)");
 * }</pre>
 */
public final class RateLimitedLog {
  /** Interval of {@link #of(System.Logger)}. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  /** Where lines go: a {@link System.Logger} in production, a list in tests. */
  @FunctionalInterface
  public interface Sink {
    void write(Level level, String line);
  }

  /** Runs a task after a delay: the shared daemon scheduler in production, a list in tests. */
  @FunctionalInterface
  interface Scheduler {
    void schedule(Runnable task, long delayNanos);
  }

  /** Instances with summaries pending, for {@link #flushAll()}. */
  private static final Set<RateLimitedLog> PENDING = ConcurrentHashMap.newKeySet();

  private final Sink sink;
  private final long intervalNanos;
  private final String intervalText;
  private final LongSupplier nanoClock;
  private final Scheduler scheduler;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** Whether a {@link #flushExpired} task is waiting; at most one per instance. */
  private final AtomicBoolean taskScheduled = new AtomicBoolean();

  /** One reason's current interval. Guarded by itself. */
  private static final class Window {
    final Level level;
    long startNanos;
    long suppressed;
    Supplier<String> latest;
    boolean open;

    Window(Level level) {
      this.level = level;
    }
  }

  RateLimitedLog(Sink sink, Duration interval, LongSupplier nanoClock, Scheduler scheduler) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    this.sink = sink;
    this.intervalNanos = interval.toNanos();
    this.intervalText =
        interval.toMillis() % 1000 == 0 ? interval.toSeconds() + "s" : interval.toMillis() + "ms";
    this.nanoClock = nanoClock;
    this.scheduler = scheduler;
  }

  /** Lines go to {@code logger}; at most one per reason per {@code interval} (plus its summary). */
  public static RateLimitedLog of(System.Logger logger, Duration interval) {
    return new RateLimitedLog(
        (level, line) -> logger.log(level, line),
        interval,
        System::nanoTime,
        SharedScheduler::schedule);
  }

  /**
   * Lines go to {@code sink} (which must not log through this instance); at most one per reason per
   * {@code interval}.
   */
  public static RateLimitedLog of(Sink sink, Duration interval) {
    return new RateLimitedLog(sink, interval, System::nanoTime, SharedScheduler::schedule);
  }

  /** {@link #of(System.Logger, Duration)} with {@link #DEFAULT_INTERVAL} (one minute). */
  public static RateLimitedLog of(System.Logger logger) {
    return of(logger, DEFAULT_INTERVAL);
  }

  /**
   * A WARNING line for {@code reason}, rate-limited; {@code message} is only called when a line is
   * written.
   */
  public void warn(String reason, Supplier<String> message) {
    log(Level.WARNING, reason, message);
  }

  /** Like {@link #warn} at another level. A reason keeps the level of its first use. */
  public void log(Level level, String reason, Supplier<String> message) {
    Window w = windows.computeIfAbsent(reason, r -> new Window(level));
    long now = nanoClock.getAsLong();
    String summary = null;
    boolean writeNow;
    long scheduleIn = -1;
    synchronized (w) {
      if (w.open && now - w.startNanos < intervalNanos) {
        w.suppressed++;
        w.latest = message;
        if (w.suppressed == 1) scheduleIn = intervalNanos - (now - w.startNanos);
        writeNow = false;
      } else {
        // A new interval; a summary of the previous one may still be due (its task has not run
        // yet).
        summary = takeSummary(w);
        w.open = true;
        w.startNanos = now;
        writeNow = true;
      }
    }
    if (summary != null) sink.write(w.level, summary);
    if (writeNow) sink.write(w.level, message.get());
    if (scheduleIn >= 0) {
      PENDING.add(this);
      if (taskScheduled.compareAndSet(false, true))
        scheduler.schedule(this::flushExpired, scheduleIn);
    }
  }

  /**
   * The summary line of {@code w}'s interval, resetting its count; null when nothing was
   * suppressed.
   */
  private String takeSummary(Window w) {
    if (w.suppressed == 0) return null;
    String line =
        w.latest.get() + " (" + w.suppressed + " more like this in the last " + intervalText + ")";
    w.suppressed = 0;
    w.latest = null;
    return line;
  }

  /**
   * Writes the summaries of intervals that have ended (the scheduled task; tests call it directly).
   */
  void flushExpired() {
    taskScheduled.set(false);
    flush(false);
  }

  /** Writes every pending summary now, ended interval or not. */
  public void flush() {
    flush(true);
  }

  private void flush(boolean all) {
    long now = nanoClock.getAsLong();
    long nextDue = Long.MAX_VALUE;
    for (Window w : windows.values()) {
      String summary = null;
      synchronized (w) {
        boolean ended = now - w.startNanos >= intervalNanos;
        if (all || ended) summary = takeSummary(w);
        if (ended) w.open = false;
        if (w.suppressed > 0) nextDue = Math.min(nextDue, intervalNanos - (now - w.startNanos));
      }
      if (summary != null) sink.write(w.level, summary);
    }
    if (nextDue == Long.MAX_VALUE) {
      PENDING.remove(this);
    } else if (taskScheduled.compareAndSet(false, true)) {
      // Another reason's interval is still running: come back when it ends.
      scheduler.schedule(this::flushExpired, Math.max(1, nextDue));
    }
  }

  /** Writes the pending summaries of every instance (at shutdown, so no count is lost). */
  public static void flushAll() {
    for (RateLimitedLog log : PENDING.toArray(new RateLimitedLog[0])) log.flush();
  }

  /** One daemon thread for every instance, started on first use. */
  private static final class SharedScheduler {
    private static final ScheduledExecutorService EXECUTOR =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("stacklens-rate-limited-log"));

    static void schedule(Runnable task, long delayNanos) {
      EXECUTOR.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
  }
}
