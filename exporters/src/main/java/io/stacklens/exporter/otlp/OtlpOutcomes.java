package io.stacklens.exporter.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpRequests;
import io.stacklens.agent.telemetry.RateLimitedLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * What an OTLP server's answer means for the exporter helper, by the OTLP specification ("Failures"
 * and "Partial success" of the protocol document):
 *
 * <ul>
 *   <li>gRPC {@code CANCELLED}, {@code DEADLINE_EXCEEDED}, {@code ABORTED}, {@code OUT_OF_RANGE},
 *       {@code UNAVAILABLE}, {@code DATA_LOSS}: retryable; {@code RESOURCE_EXHAUSTED} only when the
 *       server sent {@code RetryInfo} (it will recover); any other code is permanent.
 *   <li>HTTP 429, 502, 503, 504: retryable; any other 4xx or 5xx is permanent.
 *   <li>A server's {@code RetryInfo.retry_delay} or {@code Retry-After} is the least wait before
 *       the next attempt.
 *   <li>A success whose {@code partial_success} names rejected records: those are counted as failed
 *       (permanent, reason {@value #PARTIAL_SUCCESS}); the batch is not sent again.
 * </ul>
 */
final class OtlpOutcomes {
  /** The reason label of records a server refused in a {@code partial_success}. */
  static final String PARTIAL_SUCCESS = "partial_success";

  private static final int MAX_MESSAGE = 300;

  private OtlpOutcomes() {}

  /** What a successful response says, as parsed from the wire. */
  record PartialSuccess(long rejected, String message) {
    static final PartialSuccess NONE = new PartialSuccess(0, "");
  }

  /** The {@code partial_success} of a successful {@code signal} response. */
  static PartialSuccess partialSuccess(Message response) {
    if (response instanceof ExportLogsServiceResponse r && r.hasPartialSuccess()) {
      return new PartialSuccess(
          r.getPartialSuccess().getRejectedLogRecords(), r.getPartialSuccess().getErrorMessage());
    }
    if (response instanceof ExportTraceServiceResponse r && r.hasPartialSuccess()) {
      return new PartialSuccess(
          r.getPartialSuccess().getRejectedSpans(), r.getPartialSuccess().getErrorMessage());
    }
    if (response instanceof ExportMetricsServiceResponse r && r.hasPartialSuccess()) {
      return new PartialSuccess(
          r.getPartialSuccess().getRejectedDataPoints(), r.getPartialSuccess().getErrorMessage());
    }
    return PartialSuccess.NONE;
  }

  /**
   * The {@code partial_success} of an HTTP response body ({@code json} or protobuf); an empty or
   * unreadable body says nothing (the status already said the request was taken).
   */
  static PartialSuccess partialSuccess(Signal signal, byte[] body, boolean json) {
    if (body == null || body.length == 0) return PartialSuccess.NONE;
    Message.Builder builder = OtlpRequests.responseBuilder(signal);
    try {
      if (json) {
        OtlpJson.parse(body, builder);
      } else {
        builder.mergeFrom(body);
      }
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return PartialSuccess.NONE;
    }
    return partialSuccess(builder.build());
  }

  /**
   * Throws the failure a {@code partial_success} with rejected records means; returns the server's
   * warning (a message with nothing rejected), or null.
   */
  static String check(PartialSuccess partial, String what) throws ExportException {
    if (partial.rejected() > 0) {
      throw ExportException.rejected(
          what
              + ": the server refused "
              + partial.rejected()
              + " record(s)"
              + (partial.message().isEmpty() ? "" : ": " + abbreviate(partial.message())),
          partial.rejected(),
          PARTIAL_SUCCESS);
    }
    return partial.message().isEmpty() ? null : abbreviate(partial.message());
  }

  /**
   * What a successful answer's {@code partial_success} means for exporter {@code exporter}: throws
   * for rejected records ({@link #check}); logs the server's warning, rate-limited, when it sent
   * one with nothing rejected.
   */
  static void accept(PartialSuccess partial, String what, RateLimitedLog warnings, Object exporter)
      throws ExportException {
    String warning = check(partial, what);
    if (warning != null) {
      warnings.warn(
          PARTIAL_SUCCESS,
          () -> "exporter " + exporter + ": the server took the batch and warned: " + warning);
    }
  }

  /** A failed gRPC call as the exporter helper's failure. */
  static ExportException fromGrpc(StatusRuntimeException e, String target) {
    Status status = e.getStatus();
    Status.Code code = status.getCode();
    StringBuilder message = new StringBuilder(target).append(": ").append(code);
    if (status.getDescription() != null)
      message.append(": ").append(abbreviate(status.getDescription()));
    if (status.getCause() != null && status.getDescription() == null) {
      message.append(": ").append(status.getCause().getMessage());
    }
    Duration retryDelay = retryInfo(e);
    switch (code) {
      case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS -> {
        ExportException failure = ExportException.retryable(message.toString(), e);
        return retryDelay == null ? failure : failure.withRetryAfter(retryDelay);
      }
      case RESOURCE_EXHAUSTED -> {
        if (retryDelay != null) {
          return ExportException.retryable(message.toString(), e).withRetryAfter(retryDelay);
        }
        return ExportException.permanent(
                message + " (without RetryInfo: the server will not recover, per OTLP)", e)
            .withReason("resource_exhausted");
      }
      default -> {
        return ExportException.permanent(message.toString(), e)
            .withReason(code.name().toLowerCase(Locale.ROOT));
      }
    }
  }

  private static Duration retryInfo(StatusRuntimeException e) {
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details == null) return null;
    for (Any any : details.getDetailsList()) {
      if (!any.is(RetryInfo.class)) continue;
      try {
        com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
        return Duration.ofSeconds(Math.max(0, d.getSeconds()), Math.max(0, d.getNanos()));
      } catch (InvalidProtocolBufferException ignored) {
        return null;
      }
    }
    return null;
  }

  /**
   * A non-2xx HTTP answer as the exporter helper's failure; {@code retryAfter} is the header's
   * value or null, {@code body} the response (a {@code google.rpc.Status} when the server follows
   * OTLP).
   */
  static ExportException fromHttp(
      int status, String retryAfter, byte[] body, boolean json, String url, Instant now) {
    String message = url + ": HTTP " + status + statusMessage(body, json);
    if (status == 429 || status == 502 || status == 503 || status == 504) {
      ExportException failure = ExportException.retryable(message);
      Duration delay = parseRetryAfter(retryAfter, now);
      return delay == null ? failure : failure.withRetryAfter(delay);
    }
    return ExportException.permanent(message).withReason("http_" + status);
  }

  private static String statusMessage(byte[] body, boolean json) {
    if (body == null || body.length == 0) return "";
    try {
      com.google.rpc.Status.Builder s = com.google.rpc.Status.newBuilder();
      if (json) OtlpJson.parse(body, s);
      else s.mergeFrom(body);
      if (!s.getMessage().isEmpty()) return ": " + abbreviate(s.getMessage());
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // not a Status: show the text
    }
    return ": " + abbreviate(new String(body, StandardCharsets.UTF_8).strip());
  }

  /**
   * {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or
   * unreadable.
   */
  static Duration parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) return null;
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  private static String abbreviate(String text) {
    String oneLine = text.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "...";
  }
}
