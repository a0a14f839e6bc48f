package io.stacklens.receiver.httpjson;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.LatencyHistogram;
import io.stacklens.agent.telemetry.MetricsRegistry;

/**
 * Self-telemetry of one {@code http_json} receiver, in the same families as the OTLP receiver
 * (label {@code transport="http"}, {@code signal="logs"}):
 *
 * <ul>
 *   <li>{@code stacklens_receiver_accepted_records_total}
 *   <li>{@code stacklens_receiver_refused_records_total{reason}}: {@code invalid_json} (an NDJSON line
 *       or array element that is no JSON object), {@code invalid_record} (a mapping or validation
 *       error), {@code ring_full}, {@code shutting_down}
 *   <li>{@code stacklens_receiver_refused_requests_total{reason}}: whole requests refused before their
 *       records could be counted: {@code malformed_body}, {@code too_large}, {@code unsupported_media_type},
 *       {@code bad_request} (method, path, encoding)
 *   <li>{@code stacklens_receiver_request_duration_seconds}
 * </ul>
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
    MALFORMED_BODY, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, BAD_REQUEST;

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

  IngestMetrics(MetricsRegistry registry, String receiver) {
    String[] labels = {"receiver", receiver, "signal", "logs", "transport", "http"};
    accepted = registry.counter(ACCEPTED, "Records (log records, spans, data points) handed to a pipeline", labels);
    invalidJson = refused(registry, labels, INVALID_JSON);
    invalidRecord = refused(registry, labels, INVALID_RECORD);
    ringFull = refused(registry, labels, Admission.REFUSED_FULL.reason());
    shuttingDown = refused(registry, labels, Admission.REFUSED_SHUTTING_DOWN.reason());
    for (RequestRefusal r : RequestRefusal.values()) {
      requests[r.ordinal()] = registry.counter(REFUSED_REQUESTS, "Requests refused as a whole, by reason",
          "receiver", receiver, "transport", "http", "reason", r.label());
    }
    duration = registry.histogram(DURATION, "Time to answer one export request", "receiver", receiver, "transport", "http");
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

  void request(RequestRefusal reason) {
    requests[reason.ordinal()].inc();
  }

  LatencyHistogram duration() {
    return duration;
  }
}
