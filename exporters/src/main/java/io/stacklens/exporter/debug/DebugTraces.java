package io.stacklens.exporter.debug;

import static io.stacklens.exporter.debug.DebugText.block;
import static io.stacklens.exporter.debug.DebugText.field;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.data.TracesBatch;

/** Debug output of span batches. */
final class DebugTraces {
  private DebugTraces() {}

  static void append(TracesBatch batch, boolean detailed, StringBuilder sb) {
    int ri = 0;
    for (ResourceSpans rs : batch.resourceSpans()) {
      if (detailed) {
        sb.append("ResourceSpans #").append(ri++).append('\n');
        if (!rs.getSchemaUrl().isEmpty()) field("  ", "SchemaURL", rs.getSchemaUrl(), sb);
        block("  ", "Resource attributes", rs.getResource().getAttributesList(), sb);
      }
      int si = 0;
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        if (detailed) {
          sb.append("  ScopeSpans #").append(si++).append('\n');
          if (!ss.getSchemaUrl().isEmpty()) field("    ", "SchemaURL", ss.getSchemaUrl(), sb);
          field(
              "    ",
              "InstrumentationScope",
              (ss.getScope().getName() + " " + ss.getScope().getVersion()).strip(),
              sb);
          block("    ", "InstrumentationScope attributes", ss.getScope().getAttributesList(), sb);
        }
        int spanIndex = 0;
        for (Span span : ss.getSpansList()) {
          if (detailed) {
            sb.append("    Span #").append(spanIndex++).append('\n');
            appendDetailed(span, sb);
          } else {
            appendLine(span, sb);
          }
        }
      }
    }
  }

  /**
   * {@code <start> <name> <kind> trace=<id> span=<id> duration=<ms>ms status=<code> <attributes>}.
   */
  private static void appendLine(Span span, StringBuilder sb) {
    double millis = (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6;
    sb.append(DebugText.time(span.getStartTimeUnixNano()))
        .append(' ')
        .append(span.getName())
        .append(' ')
        .append(kind(span))
        .append(" trace=")
        .append(hex(span.getTraceId()))
        .append(" span=")
        .append(hex(span.getSpanId()))
        .append(" duration=")
        .append(millis)
        .append("ms")
        .append(" status=")
        .append(status(span))
        .append(' ')
        .append(DebugText.inline(span.getAttributesList()))
        .append('\n');
  }

  private static void appendDetailed(Span span, StringBuilder sb) {
    String in = "      ";
    field(in, "Trace ID", hex(span.getTraceId()), sb);
    field(in, "Parent ID", hex(span.getParentSpanId()), sb);
    field(in, "ID", hex(span.getSpanId()), sb);
    field(in, "Name", span.getName(), sb);
    field(in, "Kind", kind(span), sb);
    if (!span.getTraceState().isEmpty()) field(in, "TraceState", span.getTraceState(), sb);
    field(in, "Start time", DebugText.time(span.getStartTimeUnixNano()), sb);
    field(in, "End time", DebugText.time(span.getEndTimeUnixNano()), sb);
    field(in, "Status code", status(span), sb);
    field(in, "Status message", span.getStatus().getMessage(), sb);
    field(in, "Flags", span.getFlags(), sb);
    block(in, "Attributes", span.getAttributesList(), sb);
    if (span.getDroppedAttributesCount() != 0)
      field(in, "DroppedAttributesCount", span.getDroppedAttributesCount(), sb);
    int ei = 0;
    for (Span.Event e : span.getEventsList()) {
      sb.append(in).append("Event #").append(ei++).append('\n');
      field(in + "  ", "Name", e.getName(), sb);
      field(in + "  ", "Timestamp", DebugText.time(e.getTimeUnixNano()), sb);
      block(in + "  ", "Attributes", e.getAttributesList(), sb);
    }
    if (span.getDroppedEventsCount() != 0)
      field(in, "DroppedEventsCount", span.getDroppedEventsCount(), sb);
    int li = 0;
    for (Span.Link l : span.getLinksList()) {
      sb.append(in).append("Link #").append(li++).append('\n');
      field(in + "  ", "Trace ID", hex(l.getTraceId()), sb);
      field(in + "  ", "ID", hex(l.getSpanId()), sb);
      if (!l.getTraceState().isEmpty()) field(in + "  ", "TraceState", l.getTraceState(), sb);
      block(in + "  ", "Attributes", l.getAttributesList(), sb);
    }
    if (span.getDroppedLinksCount() != 0)
      field(in, "DroppedLinksCount", span.getDroppedLinksCount(), sb);
  }

  private static String kind(Span span) {
    return switch (span.getKind()) {
      case SPAN_KIND_INTERNAL -> "Internal";
      case SPAN_KIND_SERVER -> "Server";
      case SPAN_KIND_CLIENT -> "Client";
      case SPAN_KIND_PRODUCER -> "Producer";
      case SPAN_KIND_CONSUMER -> "Consumer";
      default -> "Unspecified";
    };
  }

  private static String status(Span span) {
    return switch (span.getStatus().getCode()) {
      case STATUS_CODE_OK -> "Ok";
      case STATUS_CODE_ERROR -> "Error";
      default -> "Unset";
    };
  }

  private static String hex(ByteString id) {
    return DebugText.hex(id.toByteArray());
  }
}
