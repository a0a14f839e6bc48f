package io.stacklens.agent.telemetry;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency distribution backed by HdrHistogram (microsecond resolution, 3 significant digits).
 * Exposed to Prometheus as a histogram with fixed buckets in seconds, and on {@code /stats} as
 * percentiles.
 */
public final class LatencyHistogram {
  /** Bucket upper bounds in seconds (Prometheus {@code le}). */
  static final double[] BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    30
  };

  private final Histogram micros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
  private final LongAdder sumNanos = new LongAdder();

  public void recordNanos(long nanos) {
    long n = Math.max(0, nanos);
    sumNanos.add(n);
    micros.recordValue(
        Math.min(micros.getHighestTrackableValue(), TimeUnit.NANOSECONDS.toMicros(n)));
  }

  public long count() {
    return micros.getTotalCount();
  }

  public double sumSeconds() {
    return sumNanos.sum() / 1e9;
  }

  /** Value at {@code percentile} (0..100), in seconds. */
  public double percentileSeconds(double percentile) {
    return micros.getValueAtPercentile(percentile) / 1e6;
  }

  /** Cumulative count of values at or below each of {@link #BUCKETS}. */
  long[] cumulativeBucketCounts() {
    Histogram copy = micros.copy();
    long[] out = new long[BUCKETS.length];
    for (int i = 0; i < BUCKETS.length; i++) {
      long limitMicros = (long) (BUCKETS[i] * 1e6);
      out[i] = copy.getCountBetweenValues(0, limitMicros);
    }
    return out;
  }
}
