package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.Admission;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.util.function.DoubleSupplier;

/**
 * The kafka receiver's self-telemetry:
 *
 * <ul>
 *   <li>{@code stacklens_receiver_accepted_records_total{receiver,signal,transport="kafka"}}:
 *       records the pipeline accepted
 *   <li>{@code stacklens_receiver_refused_records_total{receiver,signal,transport="kafka",reason}}:
 *       records of a batch the pipeline refused ({@code ring_full}, {@code shutting_down}); the
 *       batch is retried, so a record may be counted several times
 *   <li>{@code stacklens_receiver_kafka_invalid_messages_total{receiver,reason}}: messages that
 *       could not be decoded ({@code no_value}, {@code invalid_protobuf}, {@code invalid_json},
 *       {@code invalid_record}, a decode limit), skipped once the dead-letter exporter took them
 *       (counted by the agent in {@code
 *       stacklens_receiver_dead_letter_records_total{receiver,dead_letter}})
 *   <li>{@code stacklens_receiver_kafka_dead_letter_failures_total{receiver}}: times the
 *       dead-letter exporter refused (queue full, not running); retried
 *   <li>{@code stacklens_receiver_kafka_pauses_total{receiver}}: times a consumer paused its
 *       partitions (backpressure)
 *   <li>{@code stacklens_receiver_kafka_commits_total{receiver}} and {@code
 *       ..._commit_failures_total{receiver}}
 *   <li>gauges {@code stacklens_receiver_kafka_assigned_partitions{receiver}} and {@code
 *       stacklens_receiver_kafka_paused_partitions{receiver}}
 * </ul>
 */
final class KafkaReceiverMetrics {
  static final String ACCEPTED = "stacklens_receiver_accepted_records_total";
  static final String REFUSED = "stacklens_receiver_refused_records_total";
  static final String INVALID = "stacklens_receiver_kafka_invalid_messages_total";
  static final String DEAD_LETTER_FAILURES = "stacklens_receiver_kafka_dead_letter_failures_total";
  static final String PAUSES = "stacklens_receiver_kafka_pauses_total";
  static final String COMMITS = "stacklens_receiver_kafka_commits_total";
  static final String COMMIT_FAILURES = "stacklens_receiver_kafka_commit_failures_total";
  static final String ASSIGNED = "stacklens_receiver_kafka_assigned_partitions";
  static final String PAUSED = "stacklens_receiver_kafka_paused_partitions";
  static final String TRANSPORT = "kafka";

  private final MetricsRegistry registry;
  private final String receiver;
  private final Counter accepted;
  private final Counter[] refused = new Counter[Admission.values().length];
  final Counter deadLetterFailures;
  final Counter pauses;
  final Counter commits;
  final Counter commitFailures;

  KafkaReceiverMetrics(MetricsRegistry registry, String receiver, Signal signal) {
    this.registry = registry;
    this.receiver = receiver;
    String[] labels = {"receiver", receiver, "signal", signal.id(), "transport", TRANSPORT};
    accepted =
        registry.counter(
            ACCEPTED, "Records (log records, spans, data points) handed to a pipeline", labels);
    for (Admission a : Admission.values()) {
      if (a.accepted()) continue;
      refused[a.ordinal()] =
          registry.counter(
              REFUSED,
              "Records not taken into a pipeline, by reason",
              "receiver",
              receiver,
              "signal",
              signal.id(),
              "transport",
              TRANSPORT,
              "reason",
              a.reason());
    }
    deadLetterFailures =
        registry.counter(
            DEAD_LETTER_FAILURES,
            "Times the dead-letter exporter refused an undecodable message (retried)",
            "receiver",
            receiver);
    pauses =
        registry.counter(
            PAUSES,
            "Times a Kafka consumer paused its partitions because the pipeline was full",
            "receiver",
            receiver);
    commits = registry.counter(COMMITS, "Offset commits of accepted records", "receiver", receiver);
    commitFailures =
        registry.counter(
            COMMIT_FAILURES,
            "Offset commits that failed (the records may be read again)",
            "receiver",
            receiver);
  }

  void accepted(long records) {
    accepted.add(records);
  }

  void refused(Admission admission, long records) {
    refused[admission.ordinal()].add(records);
  }

  void invalid(String reason) {
    registry
        .counter(
            INVALID,
            "Kafka messages that could not be decoded, by reason",
            "receiver",
            receiver,
            "reason",
            reason)
        .inc();
  }

  void partitionGauges(DoubleSupplier assigned, DoubleSupplier paused) {
    registry.gauge(
        ASSIGNED,
        "Partitions assigned to this receiver's consumers",
        assigned,
        "receiver",
        receiver);
    registry.gauge(
        PAUSED,
        "Partitions paused because the pipeline refused their records",
        paused,
        "receiver",
        receiver);
  }
}
