package io.stacklens.agent.cli.loadgen;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The numbers of a run (or of the run so far).
 *
 * @param elapsed time from the first request to the end of the drain
 * @param recordsSent records handed to the transport at least once
 * @param recordsAcknowledged records in accepted requests, less those rejected in partial success
 * @param recordsRejected records the server rejected through {@code partial_success}
 * @param recordsFailed records in requests that failed permanently (not retried)
 * @param recordsAbandoned records still unanswered or waiting for a retry when the drain timed out
 * @param requestsSent request attempts, retries included
 * @param requestsAcknowledged attempts the server accepted
 * @param refusals refused attempts by status (RESOURCE_EXHAUSTED, UNAVAILABLE, 429, 503); retried
 * @param errors failed attempts by status (gRPC code, HTTP status or io_error); not retried
 * @param errorMessages the first message seen for each error status
 * @param latency latency of all acknowledged attempts
 * @param recentLatency latency of the attempts acknowledged since the previous report
 */
public record LoadgenReport(
    Duration elapsed,
    long recordsSent,
    long recordsAcknowledged,
    long recordsRejected,
    long recordsFailed,
    long recordsAbandoned,
    long requestsSent,
    long requestsAcknowledged,
    Map<String, Long> refusals,
    Map<String, Long> errors,
    Map<String, String> errorMessages,
    LatencySummary latency,
    LatencySummary recentLatency) {

  /** Acknowledged records per second over {@link #elapsed}. */
  public double recordsPerSecond() {
    return perSecond(recordsAcknowledged);
  }

  /** Acknowledged requests per second over {@link #elapsed}. */
  public double requestsPerSecond() {
    return perSecond(requestsAcknowledged);
  }

  /** All refused attempts, whatever the status. */
  public long totalRefusals() {
    return refusals.values().stream().mapToLong(Long::longValue).sum();
  }

  /** All failed attempts, whatever the status. */
  public long totalErrors() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** True when no request failed permanently and none was abandoned: the exit code is then 0. */
  public boolean succeeded() {
    return errors.isEmpty() && recordsAbandoned == 0;
  }

  private double perSecond(long count) {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : count / seconds;
  }

  /** The multi-line final report. */
  public String format(String target) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(Locale.ROOT, "loadgen: %s, %.1f s%n", target, elapsed.toMillis() / 1000.0));
    out.append(
        String.format(
            Locale.ROOT,
            "  records   sent %,d  acknowledged %,d  rejected %,d  failed %,d  abandoned %,d%n",
            recordsSent,
            recordsAcknowledged,
            recordsRejected,
            recordsFailed,
            recordsAbandoned));
    out.append(
        String.format(
            Locale.ROOT,
            "  rate      %,.1f records/s  %,.1f requests/s  (attempts %,d, acknowledged %,d)%n",
            recordsPerSecond(),
            requestsPerSecond(),
            requestsSent,
            requestsAcknowledged));
    out.append(
        String.format(
            Locale.ROOT,
            "  latency   p50 %s  p90 %s  p99 %s  max %s  mean %s%n",
            LatencySummary.millis(latency.p50Micros()),
            LatencySummary.millis(latency.p90Micros()),
            LatencySummary.millis(latency.p99Micros()),
            LatencySummary.millis(latency.maxMicros()),
            LatencySummary.millis(latency.meanMicros())));
    out.append("  refusals  ")
        .append(counts(refusals))
        .append(" (retried)")
        .append(System.lineSeparator());
    out.append("  errors    ").append(counts(errors)).append(System.lineSeparator());
    errorMessages.forEach(
        (status, message) ->
            out.append("    ")
                .append(status)
                .append(": ")
                .append(message)
                .append(System.lineSeparator()));
    return out.toString();
  }

  /** One progress line; rates are over the interval since {@code previous}. */
  public String progressLine(LoadgenReport previous) {
    double seconds = (elapsed.toNanos() - previous.elapsed.toNanos()) / 1e9;
    double records =
        seconds <= 0 ? 0 : (recordsAcknowledged - previous.recordsAcknowledged) / seconds;
    double requests =
        seconds <= 0 ? 0 : (requestsAcknowledged - previous.requestsAcknowledged) / seconds;
    return String.format(
        Locale.ROOT,
        "[%6.1fs] acked %,d records (%,.0f rec/s, %,.1f req/s)  p50 %s p99 %s max %s  refused %,d  errors %,d",
        elapsed.toMillis() / 1000.0,
        recordsAcknowledged,
        records,
        requests,
        LatencySummary.millis(recentLatency.p50Micros()),
        LatencySummary.millis(recentLatency.p99Micros()),
        LatencySummary.millis(recentLatency.maxMicros()),
        totalRefusals(),
        totalErrors());
  }

  private static String counts(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "none";
    }
    return counts.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  /** Writes the final numbers as one JSON object, for benchmark scripts. */
  public void writeJson(Path file, LoadgenOptions options) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("protocol", options.protocol().name().toLowerCase(Locale.ROOT));
      json.writeStringField("endpoint", options.endpoint());
      json.writeStringField("encoding", options.encoding().name().toLowerCase(Locale.ROOT));
      json.writeBooleanField("gzip", options.gzip());
      json.writeNumberField("batchSize", options.batchSize());
      json.writeNumberField("concurrency", options.concurrency());
      json.writeNumberField("targetRate", options.rate());
      json.writeNumberField("elapsedSeconds", elapsed.toNanos() / 1e9);
      json.writeNumberField("recordsSent", recordsSent);
      json.writeNumberField("recordsAcknowledged", recordsAcknowledged);
      json.writeNumberField("recordsRejected", recordsRejected);
      json.writeNumberField("recordsFailed", recordsFailed);
      json.writeNumberField("recordsAbandoned", recordsAbandoned);
      json.writeNumberField("requestsSent", requestsSent);
      json.writeNumberField("requestsAcknowledged", requestsAcknowledged);
      json.writeNumberField("recordsPerSecond", recordsPerSecond());
      json.writeNumberField("requestsPerSecond", requestsPerSecond());
      json.writeObjectFieldStart("latencyMillis");
      json.writeNumberField("count", latency.count());
      json.writeNumberField("p50", latency.p50Micros() / 1000.0);
      json.writeNumberField("p90", latency.p90Micros() / 1000.0);
      json.writeNumberField("p99", latency.p99Micros() / 1000.0);
      json.writeNumberField("max", latency.maxMicros() / 1000.0);
      json.writeNumberField("mean", latency.meanMicros() / 1000.0);
      json.writeEndObject();
      writeCounts(json, "refusals", refusals);
      writeCounts(json, "errors", errors);
      json.writeBooleanField("succeeded", succeeded());
      json.writeEndObject();
    }
  }

  private static void writeCounts(JsonGenerator json, String name, Map<String, Long> counts)
      throws IOException {
    json.writeObjectFieldStart(name);
    for (Map.Entry<String, Long> count : counts.entrySet()) {
      json.writeNumberField(count.getKey(), count.getValue());
    }
    json.writeEndObject();
  }
}
