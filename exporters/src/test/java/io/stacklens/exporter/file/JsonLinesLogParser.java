package io.stacklens.exporter.file;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.agent.limits.RecordLimitException;
import java.io.IOException;
import java.util.HexFormat;

/**
 * Parses one {@code json_lines} log line back into a record with its resource attributes and scope:
 * the line's own fields here, every value (body, attributes) by the agent's one JSON reader ({@link
 * JsonValueReader}, whose rules say what a value becomes). Test code, for {@link
 * FileRecordsReader}.
 */
final class JsonLinesLogParser {
  private static final JsonValueReader JSON = JsonValueReader.standard();
  private static final HexFormat HEX = HexFormat.of();

  /** One parsed line. */
  record Line(LogRecord record, Attributes resource, InstrumentationScope scope) {}

  private JsonLinesLogParser() {}

  static Line parse(String json) throws IOException {
    try (JsonParser p = JSON.newParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, p);
      LogRecord r = new LogRecord();
      Attributes resource = new Attributes();
      InstrumentationScope scope = new InstrumentationScope();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "time_unix_nano" -> r.setTimeUnixNano(p.getLongValue());
          case "observed_time_unix_nano" -> r.setObservedTimeUnixNano(p.getLongValue());
          case "severity_number" -> r.setSeverityNumber(p.getIntValue());
          case "severity_text" -> r.setSeverityText(p.getText());
          case "body" -> r.setBody(JSON.read(p));
          case "trace_id" -> r.setTraceId(HEX.parseHex(p.getText()));
          case "span_id" -> r.setSpanId(HEX.parseHex(p.getText()));
          case "flags" -> r.setFlags(p.getIntValue());
          case "event_name" -> r.setEventName(p.getText());
          case "attributes" -> JSON.readInto(p, r.attributes());
          case "dropped_attributes_count" -> r.setDroppedAttributesCount(p.getIntValue());
          case "resource" -> JSON.readInto(p, resource);
          case "scope" -> readScope(p, scope);
          default ->
              p.skipChildren(); // "timestamp" (derived from the nanos) and fields of newer writers
        }
      }
      return new Line(r, resource, scope);
    } catch (IllegalArgumentException | RecordLimitException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static void readScope(JsonParser p, InstrumentationScope scope) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT, p);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "name" -> scope.setName(p.getText());
        case "version" -> scope.setVersion(p.getText());
        case "attributes" -> JSON.readInto(p, scope.attributes());
        default -> p.skipChildren();
      }
    }
  }

  private static void expect(JsonToken actual, JsonToken expected, JsonParser p)
      throws IOException {
    if (actual != expected) {
      throw new IOException(
          "expected "
              + expected
              + " but found "
              + actual
              + " at column "
              + p.currentLocation().getColumnNr());
    }
  }
}
