package io.stacklens.agent.cli.loadgen;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters of one run, updated from transport threads; {@link #snapshot} turns them into a report.
 */
final class LoadgenStats {
  private static final long HIGHEST_LATENCY_MICROS = Duration.ofMinutes(10).toNanos() / 1000;

  final LongAdder recordsSent = new LongAdder();
  final LongAdder recordsAcknowledged = new LongAdder();
  final LongAdder recordsRejected = new LongAdder();
  final LongAdder recordsFailed = new LongAdder();
  final LongAdder requestsSent = new LongAdder();
  final LongAdder requestsAcknowledged = new LongAdder();
  private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, String> firstErrorMessages = new ConcurrentHashMap<>();
  private final Recorder latencyRecorder = new Recorder(HIGHEST_LATENCY_MICROS, 3);
  private final Histogram totalLatency = new Histogram(HIGHEST_LATENCY_MICROS, 3);
  private Histogram intervalLatency;

  void acknowledged(int records, long rejected, long latencyNanos) {
    requestsAcknowledged.increment();
    recordsAcknowledged.add(records - rejected);
    recordsRejected.add(rejected);
    latencyRecorder.recordValue(Math.min(HIGHEST_LATENCY_MICROS, Math.max(0, latencyNanos / 1000)));
  }

  void refused(String status) {
    refusals.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void failed(String status, String message, int records) {
    errors.computeIfAbsent(status, s -> new LongAdder()).increment();
    firstErrorMessages.putIfAbsent(status, message);
    recordsFailed.add(records);
  }

  /**
   * The numbers so far. Moves the latencies recorded since the previous call into the run's total,
   * so it is called by one thread at a time (the reporter, then the engine at the end).
   */
  synchronized LoadgenReport snapshot(Duration elapsed, long recordsAbandoned) {
    intervalLatency = latencyRecorder.getIntervalHistogram(intervalLatency);
    totalLatency.add(intervalLatency);
    return new LoadgenReport(
        elapsed,
        recordsSent.sum(),
        recordsAcknowledged.sum(),
        recordsRejected.sum(),
        recordsFailed.sum(),
        recordsAbandoned,
        requestsSent.sum(),
        requestsAcknowledged.sum(),
        sums(refusals),
        sums(errors),
        new TreeMap<>(firstErrorMessages),
        LatencySummary.of(totalLatency),
        LatencySummary.of(intervalLatency));
  }

  private static Map<String, Long> sums(Map<String, LongAdder> counters) {
    Map<String, Long> sums = new TreeMap<>();
    counters.forEach((status, count) -> sums.put(status, count.sum()));
    return sums;
  }
}
