package io.stacklens.agent.it.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpRequests;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the agent answered one {@link Request}: an HTTP status with headers and body, a gRPC status
 * (with its {@code google.rpc.Status} details, and the response message when OK), or no answer at
 * all ({@link #noAnswer()} says why).
 */
public record Answer(
    Transport transport,
    Signal signal,
    int httpStatus,
    Map<String, String> headers,
    Status.Code grpcCode,
    String grpcDescription,
    com.google.rpc.Status grpcDetails,
    byte[] body,
    String noAnswer,
    long nanos) {

  private static final Pattern INGEST_REJECTED = Pattern.compile("\"rejected\"\\s*:\\s*(\\d+)");

  public static Answer http(
      Request r, int status, Map<String, String> headers, byte[] body, long nanos) {
    return new Answer(
        r.transport(), r.signal(), status, headers, null, null, null, body, null, nanos);
  }

  public static Answer grpc(
      Request r,
      Status.Code code,
      String description,
      com.google.rpc.Status details,
      byte[] response,
      long nanos) {
    return new Answer(
        r.transport(),
        r.signal(),
        -1,
        Map.of(),
        code,
        description,
        details,
        response == null ? new byte[0] : response,
        null,
        nanos);
  }

  public static Answer none(Request r, String why, long nanos) {
    return new Answer(
        r.transport(), r.signal(), -1, Map.of(), null, null, null, new byte[0], why, nanos);
  }

  /** An answer arrived (any status). */
  public boolean answered() {
    return noAnswer == null;
  }

  public boolean isHttp() {
    return httpStatus >= 0;
  }

  public boolean isGrpc() {
    return grpcCode != null;
  }

  /** HTTP 200 or gRPC OK. */
  public boolean ok() {
    return httpStatus == 200 || grpcCode == Status.Code.OK;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * A retry hint came with the answer: HTTP {@code Retry-After}, or gRPC {@code
   * google.rpc.RetryInfo}.
   */
  public boolean hasRetryHint() {
    if (isHttp()) return header("Retry-After") != null;
    return grpcDetails != null
        && grpcDetails.getDetailsList().stream().anyMatch(a -> a.is(RetryInfo.class));
  }

  /**
   * The answer's words: the error message of an HTTP error body ({@code google.rpc.Status} in
   * protobuf, or the JSON text), the gRPC status description, or for an accepted OTLP request the
   * {@code partial_success.error_message}.
   */
  public String message() {
    if (!answered()) return noAnswer;
    if (ok() && transport != Transport.HTTP_JSON) return partialSuccessMessage();
    if (isGrpc()) return grpcDescription == null ? "" : grpcDescription;
    String type = header("Content-Type");
    if (type != null && type.startsWith(Request.PROTOBUF)) {
      try {
        return com.google.rpc.Status.parseFrom(body).getMessage();
      } catch (InvalidProtocolBufferException e) {
        return "(undecodable google.rpc.Status: " + e.getMessage() + ") " + bodyText();
      }
    }
    return bodyText();
  }

  /**
   * Records the agent said it rejected: OTLP {@code partial_success.rejected_*} of an accepted
   * request, or {@code rejected} of an {@code http_json} answer; 0 when the answer has none.
   */
  public long rejectedRecords() {
    if (!answered()) return 0;
    if (transport == Transport.HTTP_JSON) {
      Matcher m = INGEST_REJECTED.matcher(bodyText());
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
    if (!ok()) return 0;
    Message response = otlpResponse();
    if (response instanceof ExportLogsServiceResponse l)
      return l.getPartialSuccess().getRejectedLogRecords();
    if (response instanceof ExportTraceServiceResponse t)
      return t.getPartialSuccess().getRejectedSpans();
    if (response instanceof ExportMetricsServiceResponse m)
      return m.getPartialSuccess().getRejectedDataPoints();
    return 0;
  }

  /** True when an accepted OTLP answer carries a {@code partial_success} field at all. */
  public boolean hasPartialSuccess() {
    Message response = otlpResponse();
    if (response instanceof ExportLogsServiceResponse l) return l.hasPartialSuccess();
    if (response instanceof ExportTraceServiceResponse t) return t.hasPartialSuccess();
    if (response instanceof ExportMetricsServiceResponse m) return m.hasPartialSuccess();
    return false;
  }

  private String partialSuccessMessage() {
    Message response = otlpResponse();
    if (response instanceof ExportLogsServiceResponse l)
      return l.getPartialSuccess().getErrorMessage();
    if (response instanceof ExportTraceServiceResponse t)
      return t.getPartialSuccess().getErrorMessage();
    if (response instanceof ExportMetricsServiceResponse m)
      return m.getPartialSuccess().getErrorMessage();
    return "";
  }

  /** The Export*ServiceResponse of an accepted OTLP request (protobuf or JSON), or null. */
  public Message otlpResponse() {
    if (!ok() || transport == Transport.HTTP_JSON) return null;
    Message.Builder builder = OtlpRequests.responseBuilder(signal);
    try {
      String type = header("Content-Type");
      if (isHttp() && type != null && type.contains("json"))
        return OtlpJson.parse(body, builder).build();
      return builder.mergeFrom(body).build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return null;
    }
  }

  /**
   * One line: {@code HTTP 413: message}, {@code gRPC OK (partial_success: ...)}, {@code no answer:
   * ...}.
   */
  public String summary() {
    if (!answered()) return "no answer: " + noAnswer;
    String m = message();
    if (m.length() > 300) m = m.substring(0, 300) + "...";
    String head = isHttp() ? "HTTP " + httpStatus : "gRPC " + grpcCode;
    if (ok()) {
      long rejected = rejectedRecords();
      return head + (rejected > 0 || !m.isEmpty() ? " (rejected " + rejected + ": " + m + ")" : "");
    }
    return head + (hasRetryHint() ? " +retry hint" : "") + ": " + m;
  }

  /** Status only: {@code HTTP 400}, {@code gRPC INVALID_ARGUMENT}, {@code no answer}. */
  public String status() {
    if (!answered()) return "no answer";
    return isHttp() ? "HTTP " + httpStatus : "gRPC " + grpcCode;
  }
}
