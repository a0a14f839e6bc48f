package io.stacklens.agent.telemetry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Placeholder until the server-hardening branch lands its version: one line per reason per interval. */
public final class RateLimitedLog {
  private final System.Logger logger;
  private final long intervalNanos;
  private final Map<String, long[]> last = new ConcurrentHashMap<>();

  private RateLimitedLog(System.Logger logger, Duration interval) {
    this.logger = logger;
    this.intervalNanos = interval.toNanos();
  }

  public static RateLimitedLog of(System.Logger logger, Duration interval) {
    return new RateLimitedLog(logger, interval);
  }

  public void warn(String reason, Supplier<String> message) {
    long now = System.nanoTime();
    long[] state = last.computeIfAbsent(reason, r -> new long[] {now - intervalNanos - 1, 0});
    synchronized (state) {
      if (now - state[0] > intervalNanos) {
        long suppressed = state[1];
        state[0] = now;
        state[1] = 0;
        logger.log(System.Logger.Level.WARNING, message.get()
            + (suppressed > 0 ? " (" + suppressed + " more like this since the last line)" : ""));
      } else {
        state[1]++;
      }
    }
  }
}
