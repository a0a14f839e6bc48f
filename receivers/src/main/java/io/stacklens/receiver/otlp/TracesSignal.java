package io.stacklens.receiver.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpProtoScanner;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Traces, kept in protobuf form. A span is invalid when its trace_id is not 16 bytes or all zero,
 * its span_id is not 8 bytes or all zero, or its parent_span_id is present but not 8 bytes. The
 * request is rebuilt only when some span is invalid.
 */
final class TracesSignal
    extends OtlpSignal<OtlpSignal.Parsed<ExportTraceServiceRequest>, ExportTraceServiceResponse> {
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
  Parsed<ExportTraceServiceRequest> parseProtobuf(byte[] body, DecodeBudget budget)
      throws InvalidProtocolBufferException {
    OtlpProtoScanner.Result scan =
        OtlpProtoScanner.scan(body, ExportTraceServiceRequest.getDescriptor(), budget);
    return new Parsed<>(ExportTraceServiceRequest.parseFrom(body), scan.rejected(), scan.records());
  }

  @Override
  Parsed<ExportTraceServiceRequest> parseJson(byte[] body, DecodeBudget budget) {
    return new Parsed<>(OtlpJson.parseTraces(body, budget), new BitSet(), -1);
  }

  @Override
  Validated validate(Parsed<ExportTraceServiceRequest> parsed, DecodeBudget budget) {
    ExportTraceServiceRequest request = parsed.request();
    BitSet overLimit = parsed.limitRejected();
    long invalid = 0;
    String first = "";
    int ordinal = 0;
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans resource = request.getResourceSpans(r);
      for (int s = 0; s < resource.getScopeSpansCount(); s++) {
        ScopeSpans scope = resource.getScopeSpans(s);
        for (int i = 0; i < scope.getSpansCount(); i++, ordinal++) {
          if (overLimit.get(ordinal)) continue;
          String problem = problem(scope.getSpans(i));
          if (problem != null && invalid++ == 0) {
            first = "resource_spans[" + r + "].scope_spans[" + s + "].spans[" + i + "]: " + problem;
          }
        }
      }
    }
    if (parsed.scanned() >= 0 && ordinal != parsed.scanned()) {
      throw new IllegalArgumentException(
          "the request's spans cannot be counted consistently ("
              + ordinal
              + " parsed, "
              + parsed.scanned()
              + " on the wire)");
    }
    long rejected = invalid + overLimit.cardinality();
    if (rejected == 0) return new Validated(TracesBatch.of(request), 0, 0, "");
    return new Validated(
        new TracesBatch(withoutRejected(request, overLimit)),
        invalid,
        rejected,
        describe(first(budget, first), rejected, recordNoun()));
  }

  private static List<ResourceSpans> withoutRejected(
      ExportTraceServiceRequest request, BitSet overLimit) {
    List<ResourceSpans> kept = new ArrayList<>(request.getResourceSpansCount());
    int ordinal = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      ResourceSpans.Builder rb = resource.toBuilder().clearScopeSpans();
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        ScopeSpans.Builder sb = scope.toBuilder().clearSpans();
        for (Span span : scope.getSpansList()) {
          if (!overLimit.get(ordinal++) && problem(span) == null) sb.addSpans(span);
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
      return "parent_span_id must be 8 bytes (or empty), got "
          + span.getParentSpanId().size()
          + " bytes";
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
      b.setPartialSuccess(
          ExportTracePartialSuccess.newBuilder()
              .setRejectedSpans(rejected)
              .setErrorMessage(problem));
    }
    return b.build();
  }
}
