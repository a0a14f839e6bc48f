package io.stacklens.agent.cli.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Request latency of acknowledged attempts, in microseconds.
 *
 * @param count attempts measured
 * @param p50Micros median
 * @param p90Micros 90th percentile
 * @param p99Micros 99th percentile
 * @param maxMicros slowest
 * @param meanMicros average
 */
public record LatencySummary(
    long count, long p50Micros, long p90Micros, long p99Micros, long maxMicros, double meanMicros) {

  static LatencySummary of(Histogram histogram) {
    if (histogram.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(
        histogram.getTotalCount(),
        histogram.getValueAtPercentile(50),
        histogram.getValueAtPercentile(90),
        histogram.getValueAtPercentile(99),
        histogram.getMaxValue(),
        histogram.getMean());
  }

  /** Microseconds as milliseconds with three decimals, e.g. {@code 1.250ms}. */
  static String millis(double micros) {
    return String.format(java.util.Locale.ROOT, "%.3fms", micros / 1000.0);
  }
}
