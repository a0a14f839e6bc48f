package io.stacklens.receiver.otlp;

import com.google.protobuf.Message;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.data.Batch;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The transport-independent part of an export: refuse while stopping or when no pipeline takes the
 * signal, drop invalid records, hand the rest to the signal's consumer, count everything.
 */
final class OtlpIngest {
  /** How an export ended; each transport maps it to its own status. */
  enum Outcome {
    /** Handed to the pipeline (possibly with some records rejected as invalid). */
    ACCEPTED,
    /** The pipeline is full: retry after {@link #retryAfter()}. */
    PIPELINE_FULL,
    /** The receiver or the pipeline is shutting down: retry after {@link #retryAfter()}, elsewhere or later. */
    SHUTTING_DOWN,
    /** No pipeline of this receiver takes the signal. */
    NO_PIPELINE
  }

  /** @param response the success response (only for {@link Outcome#ACCEPTED}) */
  record Result<R extends Message>(Outcome outcome, R response, String message) {}

  private final String receiver;
  private final Map<Signal, Consumer> consumers;
  private final Duration retryAfter;
  private final ReceiverMetrics metrics;
  private volatile boolean stopping;

  OtlpIngest(String receiver, Map<Signal, Consumer> consumers, Duration retryAfter, ReceiverMetrics metrics) {
    this.receiver = receiver;
    this.consumers = consumers.isEmpty() ? new EnumMap<>(Signal.class) : new EnumMap<>(consumers);
    this.retryAfter = retryAfter;
    this.metrics = metrics;
  }

  Duration retryAfter() {
    return retryAfter;
  }

  ReceiverMetrics metrics() {
    return metrics;
  }

  /** From now on every export is answered {@link Outcome#SHUTTING_DOWN}. */
  void stopAccepting() {
    stopping = true;
  }

  /** The answer that needs no decoding (stopping, no pipeline), or null when the request should be decoded. */
  <R extends Message> Result<R> refusalBeforeDecoding(OtlpSignal<?, R> signal) {
    if (stopping) {
      return new Result<>(Outcome.SHUTTING_DOWN, null, "receiver " + receiver + " is shutting down; retry later");
    }
    if (!consumers.containsKey(signal.signal())) {
      return new Result<>(
          Outcome.NO_PIPELINE,
          null,
          "no pipeline takes " + signal.signal().id() + " from receiver " + receiver
              + "; add it to a " + signal.signal().id() + " pipeline in service.pipelines");
    }
    return null;
  }

  <Q, R extends Message> Result<R> export(OtlpSignal<Q, R> signal, Q request, Transport transport) {
    Result<R> early = refusalBeforeDecoding(signal);
    if (early != null) return early;
    OtlpSignal.Validated validated = signal.validate(request);
    Signal s = signal.signal();
    if (validated.rejected() > 0) metrics.invalid(s, transport, validated.rejected());
    Batch batch = validated.batch();
    int records = batch.recordCount();
    Admission admission = records == 0 ? Admission.ACCEPTED : consumers.get(s).consume(batch);
    switch (admission) {
      case ACCEPTED -> {
        metrics.accepted(s, transport, records);
        return new Result<>(Outcome.ACCEPTED, signal.response(validated.rejected(), validated.problem()), "");
      }
      case REFUSED_FULL -> {
        metrics.refused(s, transport, admission, records);
        return new Result<>(
            Outcome.PIPELINE_FULL, null,
            "the " + s.id() + " pipeline is full; retry after " + retryAfter.toMillis() + "ms");
      }
      default -> {
        metrics.refused(s, transport, admission, records);
        return new Result<>(Outcome.SHUTTING_DOWN, null, "the " + s.id() + " pipeline is shutting down; retry later");
      }
    }
  }
}
