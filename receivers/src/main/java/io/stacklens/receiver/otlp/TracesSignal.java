package io.stacklens.receiver.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.otlp.OtlpJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Traces, kept in protobuf form. A span is invalid when its trace_id is not 16 bytes or all zero, its
 * span_id is not 8 bytes or all zero, or its parent_span_id is present but not 8 bytes. The request is
 * rebuilt only when some span is invalid.
 */
final class TracesSignal extends OtlpSignal<ExportTraceServiceRequest, ExportTraceServiceResponse> {
  static final TracesSignal INSTANCE = new TracesSignal();

  @Override
  Signal signal() {
    return Signal.TRACES;
  }

  @Override
  String httpPath() {
    return "/v1/traces";
  }

  @Override
  String recordNoun() {
    return "spans";
  }

  @Override
  ExportTraceServiceRequest parseProtobuf(byte[] body) throws InvalidProtocolBufferException {
    return ExportTraceServiceRequest.parseFrom(body);
  }

  @Override
  ExportTraceServiceRequest parseJson(byte[] body) {
    return OtlpJson.parseTraces(body);
  }

  @Override
  Validated validate(ExportTraceServiceRequest request) {
    long rejected = 0;
    String first = "";
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans resource = request.getResourceSpans(r);
      for (int s = 0; s < resource.getScopeSpansCount(); s++) {
        ScopeSpans scope = resource.getScopeSpans(s);
        for (int i = 0; i < scope.getSpansCount(); i++) {
          String problem = problem(scope.getSpans(i));
          if (problem != null && rejected++ == 0) {
            first = "resource_spans[" + r + "].scope_spans[" + s + "].spans[" + i + "]: " + problem;
          }
        }
      }
    }
    if (rejected == 0) return new Validated(TracesBatch.of(request), 0, "");
    return new Validated(new TracesBatch(withoutInvalid(request)), rejected, describe(first, rejected, recordNoun()));
  }

  private static List<ResourceSpans> withoutInvalid(ExportTraceServiceRequest request) {
    List<ResourceSpans> kept = new ArrayList<>(request.getResourceSpansCount());
    for (ResourceSpans resource : request.getResourceSpansList()) {
      ResourceSpans.Builder rb = resource.toBuilder().clearScopeSpans();
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        ScopeSpans.Builder sb = scope.toBuilder().clearSpans();
        for (Span span : scope.getSpansList()) {
          if (problem(span) == null) sb.addSpans(span);
        }
        if (sb.getSpansCount() > 0) rb.addScopeSpans(sb);
      }
      if (rb.getScopeSpansCount() > 0) kept.add(rb.build());
    }
    return kept;
  }

  private static String problem(Span span) {
    ByteString traceId = span.getTraceId();
    if (traceId.size() != 16 || allZero(traceId)) {
      return "trace_id must be 16 bytes and not all zero, got " + describeId(traceId);
    }
    ByteString spanId = span.getSpanId();
    if (spanId.size() != 8 || allZero(spanId)) {
      return "span_id must be 8 bytes and not all zero, got " + describeId(spanId);
    }
    if (!emptyOrLength(span.getParentSpanId(), 8)) {
      return "parent_span_id must be 8 bytes (or empty), got " + span.getParentSpanId().size() + " bytes";
    }
    return null;
  }

  private static String describeId(ByteString id) {
    return id.isEmpty() ? "none" : allZero(id) ? id.size() + " zero bytes" : id.size() + " bytes";
  }

  @Override
  ExportTraceServiceResponse response(long rejected, String problem) {
    ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
    if (rejected > 0) {
      b.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(problem));
    }
    return b.build();
  }
}
