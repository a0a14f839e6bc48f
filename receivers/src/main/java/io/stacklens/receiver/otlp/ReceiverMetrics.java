package io.stacklens.receiver.otlp;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.LatencyHistogram;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.RateLimitedLog;
import java.time.Duration;

/**
 * The receiver's self-telemetry series, looked up once so the request path only increments:
 *
 * <ul>
 *   <li>{@code stacklens_receiver_accepted_records_total{receiver,signal,transport}}
 *   <li>{@code stacklens_receiver_refused_records_total{receiver,signal,transport,reason}} with
 *       reason {@code invalid}, {@code ring_full}, {@code shutting_down} or a record-level decode
 *       limit ({@code max_attributes_per_record}, {@code max_nesting_depth}, {@code
 *       max_value_size})
 *   <li>{@code stacklens_receiver_refused_requests_total{receiver,transport,reason}}: whole
 *       requests refused while decoding: {@code malformed}, {@code memory_limit} or a request-level
 *       decode limit ({@code max_records_per_request}, {@code max_decoded_size}, ...)
 *   <li>{@code stacklens_receiver_request_duration_seconds{receiver,transport}}
 * </ul>
 *
 * Refusals and rejections are also logged, one line per reason per minute ({@link RateLimitedLog}).
 */
final class ReceiverMetrics {
  static final String ACCEPTED = "stacklens_receiver_accepted_records_total";
  static final String REFUSED = "stacklens_receiver_refused_records_total";
  static final String DURATION = "stacklens_receiver_request_duration_seconds";
  static final String REFUSED_REQUESTS = "stacklens_receiver_refused_requests_total";
  static final String REASON_INVALID = "invalid";

  private final Counter[][] accepted;
  private final Counter[][] invalid;
  private final Counter[][][] refused;
  private final LatencyHistogram[] duration;
  private final MetricsRegistry registry;
  private final String receiver;
  private final RateLimitedLog log;

  ReceiverMetrics(MetricsRegistry registry, String receiver) {
    this.registry = registry;
    this.receiver = receiver;
    this.log =
        RateLimitedLog.of(
            System.getLogger("io.stacklens.agent.receiver." + receiver), Duration.ofMinutes(1));
    int signals = Signal.values().length;
    int transports = Transport.values().length;
    Admission[] admissions = Admission.values();
    accepted = new Counter[signals][transports];
    invalid = new Counter[signals][transports];
    refused = new Counter[signals][transports][admissions.length];
    duration = new LatencyHistogram[transports];
    for (Transport t : Transport.values()) {
      duration[t.ordinal()] =
          registry.histogram(
              DURATION,
              "Time to answer one export request",
              "receiver",
              receiver,
              "transport",
              t.id());
      for (Signal s : Signal.values()) {
        String[] labels = {"receiver", receiver, "signal", s.id(), "transport", t.id()};
        accepted[s.ordinal()][t.ordinal()] =
            registry.counter(
                ACCEPTED, "Records (log records, spans, data points) handed to a pipeline", labels);
        invalid[s.ordinal()][t.ordinal()] = refusedCounter(registry, labels, REASON_INVALID);
        for (Admission a : admissions) {
          if (!a.accepted())
            refused[s.ordinal()][t.ordinal()][a.ordinal()] =
                refusedCounter(registry, labels, a.reason());
        }
      }
    }
  }

  private static Counter refusedCounter(MetricsRegistry registry, String[] labels, String reason) {
    String[] withReason = java.util.Arrays.copyOf(labels, labels.length + 2);
    withReason[labels.length] = "reason";
    withReason[labels.length + 1] = reason;
    return registry.counter(REFUSED, "Records not taken into a pipeline, by reason", withReason);
  }

  void accepted(Signal signal, Transport transport, long records) {
    accepted[signal.ordinal()][transport.ordinal()].add(records);
  }

  void invalid(Signal signal, Transport transport, long records) {
    invalid[signal.ordinal()][transport.ordinal()].add(records);
  }

  /**
   * A whole request refused while decoding, for {@code reason}; logged once per reason per minute.
   */
  void refusedRequest(Signal signal, Transport transport, String reason, String message) {
    registry
        .counter(
            REFUSED_REQUESTS,
            "Requests refused as a whole, by reason",
            "receiver",
            receiver,
            "transport",
            transport.id(),
            "reason",
            reason)
        .add(1);
    log.warn(
        signal.id() + "/" + reason,
        () ->
            receiver
                + ": refused a "
                + signal.id()
                + " request over "
                + transport.id()
                + " ("
                + reason
                + "): "
                + message);
  }

  /**
   * Records left out of an accepted request for a record-level decode limit; logged once per reason
   * per minute.
   */
  void rejected(Signal signal, Transport transport, String reason, long records, String problem) {
    registry
        .counter(
            REFUSED,
            "Records not taken into a pipeline, by reason",
            "receiver",
            receiver,
            "signal",
            signal.id(),
            "transport",
            transport.id(),
            "reason",
            reason)
        .add(records);
    log.warn(
        signal.id() + "/" + reason,
        () ->
            receiver
                + ": rejected "
                + records
                + " "
                + signal.id()
                + " record(s) over "
                + transport.id()
                + " ("
                + reason
                + "): "
                + problem);
  }

  void refused(Signal signal, Transport transport, Admission admission, long records) {
    refused[signal.ordinal()][transport.ordinal()][admission.ordinal()].add(records);
  }

  LatencyHistogram duration(Transport transport) {
    return duration[transport.ordinal()];
  }
}
