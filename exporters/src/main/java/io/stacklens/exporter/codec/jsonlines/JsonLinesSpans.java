package io.stacklens.exporter.codec.jsonlines;

import static io.stacklens.exporter.codec.jsonlines.Fields.*;

import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.stacklens.agent.data.TracesBatch;
import java.io.IOException;

/** Writes each span of a batch as one flat JSON object followed by a newline. */
final class JsonLinesSpans {
  private JsonLinesSpans() {}

  /**
   * Appends one line per span of {@code batch}, calling {@code drain} (may be null) after each
   * line.
   */
  static void write(
      TracesBatch batch, JsonGenerator gen, LineWriter line, JsonLinesEncoder.LineEnd drain)
      throws IOException {
    for (ResourceSpans rs : batch.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          writeSpan(rs, ss, span, gen, line);
          gen.writeRaw('\n');
          if (drain != null) drain.afterLine();
        }
      }
    }
  }

  private static void writeSpan(
      ResourceSpans rs, ScopeSpans ss, Span span, JsonGenerator gen, LineWriter line)
      throws IOException {
    gen.writeStartObject();
    line.writeHex(TRACE_ID, span.getTraceId(), gen);
    line.writeHex(SPAN_ID, span.getSpanId(), gen);
    line.writeHex(PARENT_SPAN_ID, span.getParentSpanId(), gen);
    if (!span.getTraceState().isEmpty()) {
      gen.writeFieldName(TRACE_STATE);
      gen.writeString(span.getTraceState());
    }
    gen.writeFieldName(NAME);
    gen.writeString(span.getName());
    gen.writeFieldName(KIND);
    gen.writeString(kindName(span.getKind()));
    line.writeTimestamp(START_TIME, span.getStartTimeUnixNano(), gen);
    line.writeTimestamp(END_TIME, span.getEndTimeUnixNano(), gen);
    gen.writeFieldName(START_TIME_UNIX_NANO);
    gen.writeNumber(span.getStartTimeUnixNano());
    gen.writeFieldName(END_TIME_UNIX_NANO);
    gen.writeNumber(span.getEndTimeUnixNano());
    gen.writeFieldName(DURATION_NANO);
    gen.writeNumber(span.getEndTimeUnixNano() - span.getStartTimeUnixNano());
    gen.writeFieldName(FLAGS);
    gen.writeNumber(span.getFlags());
    writeStatus(span.getStatus(), gen);
    gen.writeFieldName(ATTRIBUTES);
    JsonValues.writeKeyValues(span.getAttributesList(), gen);
    gen.writeFieldName(EVENTS_COUNT);
    gen.writeNumber(span.getEventsCount());
    gen.writeFieldName(LINKS_COUNT);
    gen.writeNumber(span.getLinksCount());
    writeIfNonZero(DROPPED_ATTRIBUTES_COUNT, span.getDroppedAttributesCount(), gen);
    writeIfNonZero(DROPPED_EVENTS_COUNT, span.getDroppedEventsCount(), gen);
    writeIfNonZero(DROPPED_LINKS_COUNT, span.getDroppedLinksCount(), gen);
    gen.writeFieldName(RESOURCE);
    JsonValues.writeKeyValues(rs.getResource().getAttributesList(), gen);
    writeScope(ss.getScope(), gen);
    gen.writeEndObject();
  }

  /**
   * {@code unspecified}, {@code internal}, {@code server}, {@code client}, {@code producer}, {@code
   * consumer}.
   */
  static String kindName(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_INTERNAL -> "internal";
      case SPAN_KIND_SERVER -> "server";
      case SPAN_KIND_CLIENT -> "client";
      case SPAN_KIND_PRODUCER -> "producer";
      case SPAN_KIND_CONSUMER -> "consumer";
      default -> "unspecified";
    };
  }

  /** {@code unset}, {@code ok} or {@code error}. */
  static String statusName(Status.StatusCode code) {
    return switch (code) {
      case STATUS_CODE_OK -> "ok";
      case STATUS_CODE_ERROR -> "error";
      default -> "unset";
    };
  }

  private static void writeStatus(Status status, JsonGenerator gen) throws IOException {
    gen.writeFieldName(STATUS);
    gen.writeStartObject();
    gen.writeFieldName(CODE);
    gen.writeString(statusName(status.getCode()));
    if (!status.getMessage().isEmpty()) {
      gen.writeFieldName(MESSAGE);
      gen.writeString(status.getMessage());
    }
    gen.writeEndObject();
  }

  static void writeScope(InstrumentationScope scope, JsonGenerator gen) throws IOException {
    gen.writeFieldName(SCOPE);
    gen.writeStartObject();
    gen.writeFieldName(NAME);
    gen.writeString(scope.getName());
    gen.writeFieldName(VERSION);
    gen.writeString(scope.getVersion());
    if (scope.getAttributesCount() > 0) {
      gen.writeFieldName(ATTRIBUTES);
      JsonValues.writeKeyValues(scope.getAttributesList(), gen);
    }
    gen.writeEndObject();
  }

  static void writeIfNonZero(
      com.fasterxml.jackson.core.SerializableString field, long value, JsonGenerator gen)
      throws IOException {
    if (value == 0) return;
    gen.writeFieldName(field);
    gen.writeNumber(value);
  }
}
