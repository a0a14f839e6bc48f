package io.stacklens.exporter.codec.jsonlines;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The Jackson-based {@code json_lines} log encoder the exporter used before {@link JsonLinesLogs}
 * wrote bytes directly. Kept in tests as the reference the new encoder must match byte for byte,
 * and as the baseline of the benchmark.
 */
final class JacksonLogLines {
  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  private final LineWriter line = new LineWriter();

  /** Appends the lines of {@code batch} to {@code out}. */
  void write(LogsBatch batch, ByteBuf out) {
    try (JsonGenerator gen = JSON.createGenerator(out)) {
      gen.setRootValueSeparator(null);
      for (ResourceLogs rl : batch.resourceLogs()) {
        for (ScopeLogs sl : rl.scopeLogs()) {
          for (LogRecord r : sl.logRecords()) {
            writeRecord(rl, sl, r, gen);
            gen.writeRaw('\n');
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one AnyValue alone, as the old encoder did inside a line. */
  static String valueJson(Object value) {
    ByteBuf out = new ByteBuf(64);
    try (JsonGenerator gen = JSON.createGenerator(out)) {
      writeValue(value, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new String(out.array(), 0, out.size(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private void writeRecord(ResourceLogs rl, ScopeLogs sl, LogRecord r, JsonGenerator gen)
      throws IOException {
    gen.writeStartObject();
    long time = r.timeUnixNano() != 0 ? r.timeUnixNano() : r.observedTimeUnixNano();
    line.writeTimestamp(Fields.TIMESTAMP, time, gen);
    gen.writeFieldName(Fields.TIME_UNIX_NANO);
    gen.writeNumber(r.timeUnixNano());
    gen.writeFieldName(Fields.OBSERVED_TIME_UNIX_NANO);
    gen.writeNumber(r.observedTimeUnixNano());
    gen.writeFieldName(Fields.SEVERITY_NUMBER);
    gen.writeNumber(r.severityNumber());
    gen.writeFieldName(Fields.SEVERITY_TEXT);
    gen.writeString(r.severityText());
    if (r.body() != null) {
      gen.writeFieldName(Fields.BODY);
      writeValue(r.body(), gen);
    }
    line.writeHex(Fields.TRACE_ID, r.traceId(), gen);
    line.writeHex(Fields.SPAN_ID, r.spanId(), gen);
    gen.writeFieldName(Fields.FLAGS);
    gen.writeNumber(r.flags());
    if (!r.eventName().isEmpty()) {
      gen.writeFieldName(Fields.EVENT_NAME);
      gen.writeString(r.eventName());
    }
    gen.writeFieldName(Fields.ATTRIBUTES);
    writeAttributes(r.attributes(), gen);
    if (r.droppedAttributesCount() != 0) {
      gen.writeFieldName(Fields.DROPPED_ATTRIBUTES_COUNT);
      gen.writeNumber(r.droppedAttributesCount());
    }
    gen.writeFieldName(Fields.RESOURCE);
    writeAttributes(rl.resource().attributes(), gen);
    writeScope(sl.scope(), gen);
    gen.writeEndObject();
  }

  private static void writeScope(InstrumentationScope scope, JsonGenerator gen) throws IOException {
    gen.writeFieldName(Fields.SCOPE);
    gen.writeStartObject();
    gen.writeFieldName(Fields.NAME);
    gen.writeString(scope.name());
    gen.writeFieldName(Fields.VERSION);
    gen.writeString(scope.version());
    if (!scope.attributes().isEmpty()) {
      gen.writeFieldName(Fields.ATTRIBUTES);
      writeAttributes(scope.attributes(), gen);
    }
    gen.writeEndObject();
  }

  private static void writeAttributes(Attributes attributes, JsonGenerator gen) throws IOException {
    gen.writeStartObject();
    for (int i = 0; i < attributes.size(); i++) {
      gen.writeFieldName(attributes.key(i));
      writeValue(attributes.value(i), gen);
    }
    gen.writeEndObject();
  }

  private static void writeValue(Object value, JsonGenerator gen) throws IOException {
    if (value == null) {
      gen.writeNull();
    } else if (value instanceof String s) {
      gen.writeString(s);
    } else if (value instanceof Long l) {
      gen.writeNumber(l);
    } else if (value instanceof Double d) {
      gen.writeNumber(d);
    } else if (value instanceof Boolean b) {
      gen.writeBoolean(b);
    } else if (value instanceof Attributes kv) {
      writeAttributes(kv, gen);
    } else if (value instanceof List<?> list) {
      gen.writeStartArray();
      for (Object o : list) writeValue(o, gen);
      gen.writeEndArray();
    } else if (value instanceof byte[] bytes) {
      gen.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, bytes, 0, bytes.length);
    } else if (value instanceof Integer i) {
      gen.writeNumber(i.longValue());
    } else if (value instanceof Float f) {
      gen.writeNumber(f.doubleValue());
    } else {
      throw new IllegalArgumentException(
          "value of type " + value.getClass().getName() + " is not an OTLP AnyValue kind");
    }
  }
}
