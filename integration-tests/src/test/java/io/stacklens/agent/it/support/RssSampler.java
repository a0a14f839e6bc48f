package io.stacklens.agent.it.support;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a process's resident set size every 100 ms on a daemon thread: the peak since the last
 * {@link #resetPeak()}, and the process's own peak ({@code VmHWM}) as last seen, which survives the
 * process's death.
 */
public final class RssSampler implements AutoCloseable {
  private static final long PERIOD_MILLIS = 100;

  private final long pid;
  private final AtomicLong peak = new AtomicLong(-1);
  private final AtomicLong lastHwm = new AtomicLong(-1);
  private final Thread thread;
  private volatile boolean running = true;

  public RssSampler(long pid) {
    this.pid = pid;
    this.thread = new Thread(this::run, "rss-sampler-" + pid);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      sample();
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    long rss = ProcStatus.rssBytes(pid);
    if (rss >= 0) peak.accumulateAndGet(rss, Math::max);
    long hwm = ProcStatus.peakRssBytes(pid);
    if (hwm >= 0) lastHwm.set(hwm);
  }

  /** Highest VmRSS sampled since the last reset (or the start); -1 before the first sample. */
  public long peakBytes() {
    sample();
    return peak.get();
  }

  /** Starts a new peak (for the next case). */
  public void resetPeak() {
    peak.set(-1);
    sample();
  }

  /** The process's VmHWM as last read: its peak RSS over its whole life, also after it died. */
  public long highWaterMarkBytes() {
    sample();
    return lastHwm.get();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
