package io.stacklens.exporter.codec.jsonlines;

import static io.stacklens.exporter.codec.jsonlines.Utf8JsonWriter.ascii;

import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;

/**
 * Writes each log record of a batch as one flat JSON object followed by a newline (fields in
 * docs/exporters/file.md). The hot path of the codec (the file exporter's logs), so it writes bytes
 * directly through a {@link Utf8JsonWriter} rather than a Jackson generator, and encodes the {@code
 * resource} and {@code scope} tail, identical for every record of a {@link ScopeLogs}, only once
 * per scope: later records copy those bytes. One instance per sender thread; not thread-safe.
 */
final class JsonLinesLogs {
  private static final byte[] TIMESTAMP = ascii("{\"timestamp\":");
  private static final byte[] TIME_UNIX_NANO = ascii(",\"time_unix_nano\":");
  private static final byte[] OBSERVED_TIME_UNIX_NANO = ascii(",\"observed_time_unix_nano\":");
  private static final byte[] SEVERITY_NUMBER = ascii(",\"severity_number\":");
  private static final byte[] SEVERITY_TEXT = ascii(",\"severity_text\":");
  private static final byte[] BODY = ascii(",\"body\":");
  private static final byte[] TRACE_ID = ascii(",\"trace_id\":");
  private static final byte[] SPAN_ID = ascii(",\"span_id\":");
  private static final byte[] FLAGS = ascii(",\"flags\":");
  private static final byte[] EVENT_NAME = ascii(",\"event_name\":");
  private static final byte[] ATTRIBUTES = ascii(",\"attributes\":");
  private static final byte[] DROPPED_ATTRIBUTES_COUNT = ascii(",\"dropped_attributes_count\":");
  private static final byte[] RESOURCE = ascii(",\"resource\":");
  private static final byte[] SCOPE_NAME = ascii(",\"scope\":{\"name\":");
  private static final byte[] VERSION = ascii(",\"version\":");
  private static final byte[] END_OF_LINE = ascii("}}\n");

  private final Utf8JsonWriter json;

  JsonLinesLogs(ByteBuf out) {
    this.json = new Utf8JsonWriter(out);
  }

  /**
   * Appends one line per record of {@code batch}. Throws {@link IllegalArgumentException} when a
   * record holds a value that is no AnyValue kind; the buffer then holds a partial line.
   */
  void write(LogsBatch batch) {
    try {
      write(batch, null);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // no drain, no I/O
    }
  }

  /**
   * Appends one line per record of {@code batch}, calling {@code drain} after each line (a drained
   * buffer, {@code afterLine} true, no longer holds the scope's tail, which is then encoded again).
   * Throws {@link IllegalArgumentException} when a record holds a value that is no AnyValue kind;
   * the buffer then holds a partial line.
   */
  void write(LogsBatch batch, JsonLinesEncoder.LineEnd drain) throws java.io.IOException {
    ByteBuf out = json.buffer();
    for (ResourceLogs rl : batch.resourceLogs()) {
      for (ScopeLogs sl : rl.scopeLogs()) {
        int tailStart = -1;
        int tailLength = 0;
        for (LogRecord r : sl.logRecords()) {
          writeHead(r);
          if (tailStart < 0) {
            tailStart = out.size();
            writeTail(rl, sl.scope());
            tailLength = out.size() - tailStart;
          } else {
            out.appendOwn(tailStart, tailLength);
          }
          if (drain != null && drain.afterLine()) tailStart = -1;
        }
      }
    }
  }

  /** Everything of a record's line up to, not including, its resource. */
  private void writeHead(LogRecord r) {
    Utf8JsonWriter j = json;
    j.raw(TIMESTAMP);
    j.timestamp(r.timeUnixNano() != 0 ? r.timeUnixNano() : r.observedTimeUnixNano());
    j.raw(TIME_UNIX_NANO);
    j.number(r.timeUnixNano());
    j.raw(OBSERVED_TIME_UNIX_NANO);
    j.number(r.observedTimeUnixNano());
    j.raw(SEVERITY_NUMBER);
    j.number(r.severityNumber());
    j.raw(SEVERITY_TEXT);
    j.string(r.severityText());
    if (r.body() != null) {
      j.raw(BODY);
      j.value(r.body());
    }
    if (r.traceId() != null) {
      j.raw(TRACE_ID);
      j.hex(r.traceId());
    }
    if (r.spanId() != null) {
      j.raw(SPAN_ID);
      j.hex(r.spanId());
    }
    j.raw(FLAGS);
    j.number(r.flags());
    if (!r.eventName().isEmpty()) {
      j.raw(EVENT_NAME);
      j.string(r.eventName());
    }
    j.raw(ATTRIBUTES);
    j.attributes(r.attributes());
    if (r.droppedAttributesCount() != 0) {
      j.raw(DROPPED_ATTRIBUTES_COUNT);
      j.number(r.droppedAttributesCount());
    }
  }

  /**
   * The resource, the scope, the end of the record and the newline: the same for a whole ScopeLogs.
   */
  private void writeTail(ResourceLogs rl, InstrumentationScope scope) {
    Utf8JsonWriter j = json;
    j.raw(RESOURCE);
    j.attributes(rl.resource().attributes());
    j.raw(SCOPE_NAME);
    j.string(scope.name());
    j.raw(VERSION);
    j.string(scope.version());
    if (!scope.attributes().isEmpty()) {
      j.raw(ATTRIBUTES);
      j.attributes(scope.attributes());
    }
    j.raw(END_OF_LINE);
  }
}
