package io.stacklens.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.data.WireEncoding;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.DecodeLimits;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The transport-independent part of an export: refuse while stopping, when no pipeline takes the
 * signal or when the memory budget is spent; decode within the receiver's limits; drop invalid
 * records and those over a record-level limit; hand the rest to the signal's consumer with the
 * memory they hold; count everything.
 */
final class OtlpIngest {
  /** How an export ended; each transport maps it to its own status. */
  enum Outcome {
    /** Handed to the pipeline (possibly with some records rejected). */
    ACCEPTED,
    /** The pipeline is full: retry after {@link #retryAfter()}. */
    PIPELINE_FULL,
    /** The agent's memory budget is spent: retry after {@link #retryAfter()}. */
    MEMORY_LIMIT,
    /**
     * The receiver or the pipeline is shutting down: retry after {@link #retryAfter()}, elsewhere
     * or later.
     */
    SHUTTING_DOWN,
    /** No pipeline of this receiver takes the signal. */
    NO_PIPELINE,
    /**
     * The body is not a valid request; {@link Result#message()} says why (the transport names the
     * message type).
     */
    MALFORMED,
    /** Over a request-level decode limit: not retryable as it is. */
    TOO_LARGE
  }

  /**
   * @param response the success response (only for {@link Outcome#ACCEPTED})
   */
  record Result<R extends Message>(Outcome outcome, R response, String message) {}

  /**
   * Like {@link #decodeAndOffer}, and once the pipeline holds the records as its {@code delivery}
   * promises: at once with {@code delivery: memory}; with {@code durable}, when they are in the
   * disk queues (no thread waits meanwhile; the answer may come from the pipeline's sync thread).
   */
  <Q, R extends Message> CompletionStage<Result<R>> export(
      OtlpSignal<Q, R> signal, byte[] body, boolean json, Transport transport) {
    Acknowledgement[] ack = new Acknowledgement[1];
    Result<R> offered = decodeAndOffer(signal, body, json, transport, ack);
    if (ack[0] == null) return CompletableFuture.completedFuture(offered);
    return ack[0]
        .answer()
        .thenApply(
            held ->
                held == Acknowledgement.Outcome.DONE
                    ? offered
                    : new Result<>(
                        held == Acknowledgement.Outcome.TIMED_OUT
                            ? Outcome.PIPELINE_FULL
                            : Outcome.SHUTTING_DOWN,
                        null,
                        Acknowledgement.describe(held, signal.signal().id())));
  }

  private final String receiver;
  private final Map<Signal, Consumer> consumers;
  private final Duration retryAfter;
  private final ReceiverMetrics metrics;
  private final DecodeLimits limits;
  private volatile MemoryLimiter memory = MemoryLimiter.unlimited();
  private volatile boolean stopping;

  OtlpIngest(
      String receiver,
      Map<Signal, Consumer> consumers,
      Duration retryAfter,
      ReceiverMetrics metrics,
      DecodeLimits limits) {
    this.receiver = receiver;
    this.consumers = consumers.isEmpty() ? new EnumMap<>(Signal.class) : new EnumMap<>(consumers);
    this.retryAfter = retryAfter;
    this.metrics = metrics;
    this.limits = limits;
  }

  /** The agent's memory budget, known once the receiver starts. */
  void useMemoryLimiter(MemoryLimiter limiter) {
    this.memory = limiter;
  }

  MemoryLimiter memory() {
    return memory;
  }

  /** The receiver's id, as in the config ({@code otlp}, {@code otlp/edge}). */
  String receiver() {
    return receiver;
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

  /**
   * The answer that needs no decoding (stopping, no pipeline), or null when the request should be
   * decoded.
   */
  <R extends Message> Result<R> refusalBeforeDecoding(OtlpSignal<?, R> signal) {
    if (stopping) {
      return new Result<>(
          Outcome.SHUTTING_DOWN, null, "receiver " + receiver + " is shutting down; retry later");
    }
    if (!consumers.containsKey(signal.signal())) {
      return new Result<>(
          Outcome.NO_PIPELINE,
          null,
          "no pipeline takes "
              + signal.signal().id()
              + " from receiver "
              + receiver
              + "; add it to a "
              + signal.signal().id()
              + " pipeline in service.pipelines");
    }
    return null;
  }

  /**
   * Decodes {@code body} (OTLP/JSON when {@code json}, else protobuf) within the limits and the
   * memory budget and hands the valid records to the signal's pipeline; when it took them, {@code
   * accepted[0]} is the acknowledgement to wait for before answering.
   */
  private <Q, R extends Message> Result<R> decodeAndOffer(
      OtlpSignal<Q, R> signal,
      byte[] body,
      boolean json,
      Transport transport,
      Acknowledgement[] accepted) {
    Result<R> early = refusalBeforeDecoding(signal);
    if (early != null) return early;
    Signal s = signal.signal();
    if (memory.isExhausted()) {
      DecodeLimitException e = DecodeBudget.memoryExhausted(memory);
      metrics.refusedRequest(s, transport, e.reason(), e.getMessage());
      return new Result<>(Outcome.MEMORY_LIMIT, null, e.getMessage());
    }
    DecodeBudget budget = new DecodeBudget(limits, memory);
    OtlpSignal.Validated validated;
    try {
      Q decoded = json ? signal.parseJson(body, budget) : signal.parseProtobuf(body, budget);
      validated = signal.validate(decoded, budget);
    } catch (DecodeLimitException e) {
      budget.release();
      metrics.refusedRequest(s, transport, e.reason(), e.getMessage());
      return new Result<>(
          e.retryable() ? Outcome.MEMORY_LIMIT : Outcome.TOO_LARGE, null, e.getMessage());
    } catch (InvalidProtocolBufferException e) {
      budget.release();
      String message = "not a valid protobuf " + requestName(s) + ": " + e.getMessage();
      metrics.refusedRequest(s, transport, "malformed", message);
      return new Result<>(Outcome.MALFORMED, null, message);
    } catch (IllegalArgumentException e) {
      budget.release();
      String message =
          (json ? "not a valid OTLP/JSON " : "not a valid protobuf ")
              + requestName(s)
              + ": "
              + e.getMessage();
      metrics.refusedRequest(s, transport, "malformed", message);
      return new Result<>(Outcome.MALFORMED, null, message);
    }
    if (validated.invalid() > 0) metrics.invalid(s, transport, validated.invalid());
    budget
        .rejectedByReason()
        .forEach((reason, n) -> metrics.rejected(s, transport, reason, n, validated.problem()));
    Batch batch = validated.batch();
    int records = batch.recordCount();
    if (records == 0) {
      budget.release();
      metrics.accepted(s, transport, 0);
      return new Result<>(
          Outcome.ACCEPTED, signal.response(validated.rejected(), validated.problem()), "");
    }
    budget.handOver(batch);
    // Decoded whole from protobuf: a disk queue may store these very bytes (the pipeline decides).
    // (Logs only: trace and metric batches keep their protobuf messages, cheap to write again, and
    // one object may go to several pipelines.)
    if (!json && s == Signal.LOGS && validated.rejected() == 0) WireEncoding.remember(batch, body);
    Acknowledgement ack = Acknowledgement.attachTo(batch);
    Admission admission = consumers.get(s).consume(batch);
    switch (admission) {
      case ACCEPTED -> {
        metrics.accepted(s, transport, records);
        ack.done(); // the receiver's own party: what is left is the pipelines'
        accepted[0] = ack;
        return new Result<>(
            Outcome.ACCEPTED, signal.response(validated.rejected(), validated.problem()), "");
      }
      case REFUSED_FULL -> {
        batch.releaseMemory();
        metrics.refused(s, transport, admission, records);
        return new Result<>(
            Outcome.PIPELINE_FULL,
            null,
            "the " + s.id() + " pipeline is full; retry after " + retryAfter.toMillis() + "ms");
      }
      default -> {
        batch.releaseMemory();
        metrics.refused(s, transport, admission, records);
        return new Result<>(
            Outcome.SHUTTING_DOWN,
            null,
            "the " + s.id() + " pipeline is shutting down; retry later");
      }
    }
  }

  static String requestName(Signal signal) {
    return switch (signal) {
      case LOGS -> "ExportLogsServiceRequest";
      case TRACES -> "ExportTraceServiceRequest";
      case METRICS -> "ExportMetricsServiceRequest";
    };
  }
}
