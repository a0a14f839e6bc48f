package io.stacklens.receiver.httpjson;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.LatencyHistogram;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.RateLimitedLog;
import java.time.Duration;

/**
 * Self-telemetry of one {@code http_json} receiver, in the same families as the OTLP receiver
 * (label {@code transport="http"}, {@code signal="logs"}):
 *
 * <ul>
 *   <li>{@code stacklens_receiver_accepted_records_total}
 *   <li>{@code stacklens_receiver_refused_records_total{reason}}: {@code invalid_json} (an NDJSON
 *       line or array element that is no JSON object), {@code invalid_record} (a mapping or
 *       validation error), a record-level decode limit ({@code max_attributes_per_record}, {@code
 *       max_nesting_depth}, {@code max_value_size}), {@code ring_full}, {@code shutting_down}
 *   <li>{@code stacklens_receiver_refused_requests_total{reason}}: whole requests refused before
 *       their records could be counted: {@code malformed_body}, {@code too_large}, {@code
 *       unsupported_media_type}, {@code bad_request} (method, path, encoding), {@code
 *       memory_limit}, or a request-level decode limit ({@code max_records_per_request}, {@code
 *       max_decoded_size}, {@code max_value_size}, ...)
 *   <li>{@code stacklens_receiver_request_duration_seconds}
 * </ul>
 *
 * Refusals and rejections are logged too, one line per reason per minute.
 */
final class IngestMetrics {
  static final String ACCEPTED = "stacklens_receiver_accepted_records_total";
  static final String REFUSED = "stacklens_receiver_refused_records_total";
  static final String REFUSED_REQUESTS = "stacklens_receiver_refused_requests_total";
  static final String DURATION = "stacklens_receiver_request_duration_seconds";
  static final String INVALID_JSON = "invalid_json";
  static final String INVALID_RECORD = "invalid_record";

  /** Why a whole request was refused. */
  enum RequestRefusal {
    MALFORMED_BODY,
    TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    BAD_REQUEST,
    MEMORY_LIMIT;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Counter accepted;
  private final Counter invalidJson;
  private final Counter invalidRecord;
  private final Counter ringFull;
  private final Counter shuttingDown;
  private final Counter[] requests = new Counter[RequestRefusal.values().length];
  private final LatencyHistogram duration;
  private final MetricsRegistry registry;
  private final String receiver;
  private final String[] labels;
  private final RateLimitedLog log;

  IngestMetrics(MetricsRegistry registry, String receiver) {
    this.registry = registry;
    this.receiver = receiver;
    this.log =
        RateLimitedLog.of(
            System.getLogger("io.stacklens.agent.receiver." + receiver), Duration.ofMinutes(1));
    String[] labels = {"receiver", receiver, "signal", "logs", "transport", "http"};
    this.labels = labels;
    accepted =
        registry.counter(
            ACCEPTED, "Records (log records, spans, data points) handed to a pipeline", labels);
    invalidJson = refused(registry, labels, INVALID_JSON);
    invalidRecord = refused(registry, labels, INVALID_RECORD);
    ringFull = refused(registry, labels, Admission.REFUSED_FULL.reason());
    shuttingDown = refused(registry, labels, Admission.REFUSED_SHUTTING_DOWN.reason());
    for (RequestRefusal r : RequestRefusal.values()) {
      requests[r.ordinal()] =
          registry.counter(
              REFUSED_REQUESTS,
              "Requests refused as a whole, by reason",
              "receiver",
              receiver,
              "transport",
              "http",
              "reason",
              r.label());
    }
    duration =
        registry.histogram(
            DURATION,
            "Time to answer one export request",
            "receiver",
            receiver,
            "transport",
            "http");
  }

  private static Counter refused(MetricsRegistry registry, String[] labels, String reason) {
    String[] withReason = java.util.Arrays.copyOf(labels, labels.length + 2);
    withReason[labels.length] = "reason";
    withReason[labels.length + 1] = reason;
    return registry.counter(REFUSED, "Records not taken into a pipeline, by reason", withReason);
  }

  void accepted(long n) {
    accepted.add(n);
  }

  void invalidJson(long n) {
    invalidJson.add(n);
  }

  void invalidRecord(long n) {
    invalidRecord.add(n);
  }

  void refused(Admission admission, long n) {
    (admission == Admission.REFUSED_FULL ? ringFull : shuttingDown).add(n);
  }

  /**
   * A whole request refused for {@code reason}, logged once per reason per minute with {@code
   * message}.
   */
  void request(RequestRefusal reason, String message) {
    request(reason);
    log.warn(
        reason.label(),
        () -> receiver + ": refused a request (" + reason.label() + "): " + message);
  }

  /** A whole request refused for a request-level decode limit. */
  void limit(String reason, String message) {
    registry
        .counter(
            REFUSED_REQUESTS,
            "Requests refused as a whole, by reason",
            "receiver",
            receiver,
            "transport",
            "http",
            "reason",
            reason)
        .inc();
    log.warn(reason, () -> receiver + ": refused a request (" + reason + "): " + message);
  }

  /**
   * Records of an accepted request left out for {@code reason} (invalid JSON, a mapping error, a
   * record-level limit).
   */
  void rejected(String reason, long n, String firstProblem) {
    switch (reason) {
      case INVALID_JSON -> invalidJson(n);
      case INVALID_RECORD -> invalidRecord(n);
      default -> refused(registry, labels, reason).add(n);
    }
    log.warn(
        "rejected/" + reason,
        () -> receiver + ": rejected " + n + " record(s) (" + reason + "); first: " + firstProblem);
  }

  void request(RequestRefusal reason) {
    requests[reason.ordinal()].inc();
  }

  LatencyHistogram duration() {
    return duration;
  }
}
