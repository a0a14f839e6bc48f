package io.stacklens.exporter.file;

import static io.stacklens.exporter.file.Fields.*;

import com.fasterxml.jackson.core.JsonGenerator;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.io.IOException;

/** Writes each log record of a batch as one flat JSON object followed by a newline. */
final class JsonLinesLogs {
  private JsonLinesLogs() {}

  static void write(LogsBatch batch, JsonGenerator gen, LineWriter line) throws IOException {
    for (ResourceLogs rl : batch.resourceLogs()) {
      for (ScopeLogs sl : rl.scopeLogs()) {
        for (LogRecord r : sl.logRecords()) {
          writeRecord(rl, sl, r, gen, line);
          gen.writeRaw('\n');
        }
      }
    }
  }

  static void writeRecord(ResourceLogs rl, ScopeLogs sl, LogRecord r, JsonGenerator gen, LineWriter line)
      throws IOException {
    gen.writeStartObject();
    long time = r.timeUnixNano() != 0 ? r.timeUnixNano() : r.observedTimeUnixNano();
    line.writeTimestamp(TIMESTAMP, time, gen);
    gen.writeFieldName(TIME_UNIX_NANO);
    gen.writeNumber(r.timeUnixNano());
    gen.writeFieldName(OBSERVED_TIME_UNIX_NANO);
    gen.writeNumber(r.observedTimeUnixNano());
    gen.writeFieldName(SEVERITY_NUMBER);
    gen.writeNumber(r.severityNumber());
    gen.writeFieldName(SEVERITY_TEXT);
    gen.writeString(r.severityText());
    if (r.body() != null) {
      gen.writeFieldName(BODY);
      JsonValues.writeValue(r.body(), gen);
    }
    line.writeHex(TRACE_ID, r.traceId(), gen);
    line.writeHex(SPAN_ID, r.spanId(), gen);
    gen.writeFieldName(FLAGS);
    gen.writeNumber(r.flags());
    if (!r.eventName().isEmpty()) {
      gen.writeFieldName(EVENT_NAME);
      gen.writeString(r.eventName());
    }
    gen.writeFieldName(ATTRIBUTES);
    JsonValues.writeAttributes(r.attributes(), gen);
    if (r.droppedAttributesCount() != 0) {
      gen.writeFieldName(DROPPED_ATTRIBUTES_COUNT);
      gen.writeNumber(r.droppedAttributesCount());
    }
    gen.writeFieldName(RESOURCE);
    JsonValues.writeAttributes(rl.resource().attributes(), gen);
    writeScope(sl.scope(), gen);
    gen.writeEndObject();
  }

  static void writeScope(InstrumentationScope scope, JsonGenerator gen) throws IOException {
    gen.writeFieldName(SCOPE);
    gen.writeStartObject();
    gen.writeFieldName(NAME);
    gen.writeString(scope.name());
    gen.writeFieldName(VERSION);
    gen.writeString(scope.version());
    if (!scope.attributes().isEmpty()) {
      gen.writeFieldName(ATTRIBUTES);
      JsonValues.writeAttributes(scope.attributes(), gen);
    }
    gen.writeEndObject();
  }
}
