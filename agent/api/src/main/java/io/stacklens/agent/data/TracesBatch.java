package io.stacklens.agent.data;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.List;

/**
 * Spans. Traces pass through pipelines without per-field processing yet, so they stay in their
 * decoded OTLP protobuf form (immutable, so {@link #copy()} shares it). A mutable model, like
 * {@link LogsBatch}, comes with the first processor that edits spans.
 */
public final class TracesBatch extends BatchMemory {
  private final List<ResourceSpans> resourceSpans;
  private final int spanCount;

  /**
   * A batch of {@code resourceSpans}; the list is copied (the protobuf messages are immutable and
   * shared) and its spans counted once.
   */
  public TracesBatch(List<ResourceSpans> resourceSpans) {
    this.resourceSpans = List.copyOf(resourceSpans);
    int n = 0;
    for (ResourceSpans r : this.resourceSpans) {
      for (ScopeSpans s : r.getScopeSpansList()) n += s.getSpansCount();
    }
    this.spanCount = n;
  }

  /** A batch of every resource of a decoded OTLP export request. */
  public static TracesBatch of(ExportTraceServiceRequest request) {
    return new TracesBatch(request.getResourceSpansList());
  }

  /** The resources of this batch: an unmodifiable list of immutable protobuf messages. */
  public List<ResourceSpans> resourceSpans() {
    return resourceSpans;
  }

  /** This batch as an OTLP export request, ready to encode. */
  public ExportTraceServiceRequest toRequest() {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(resourceSpans).build();
  }

  @Override
  public Signal signal() {
    return Signal.TRACES;
  }

  @Override
  public int recordCount() {
    return spanCount;
  }

  @Override
  public TracesBatch copy() {
    return this;
  }
}
