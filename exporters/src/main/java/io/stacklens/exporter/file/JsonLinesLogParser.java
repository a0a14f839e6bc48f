package io.stacklens.exporter.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Parses one {@code json_lines} log line back into a record with its resource attributes and scope. */
final class JsonLinesLogParser {
  private static final JsonFactory JSON = new JsonFactory();
  private static final HexFormat HEX = HexFormat.of();

  /** One parsed line. */
  record Line(LogRecord record, Attributes resource, InstrumentationScope scope) {}

  private JsonLinesLogParser() {}

  static Line parse(String json) throws IOException {
    try (JsonParser p = JSON.createParser(json)) {
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
          case "body" -> r.setBody(readValue(p));
          case "trace_id" -> r.setTraceId(HEX.parseHex(p.getText()));
          case "span_id" -> r.setSpanId(HEX.parseHex(p.getText()));
          case "flags" -> r.setFlags(p.getIntValue());
          case "event_name" -> r.setEventName(p.getText());
          case "attributes" -> readInto(p, r.attributes());
          case "dropped_attributes_count" -> r.setDroppedAttributesCount(p.getIntValue());
          case "resource" -> readInto(p, resource);
          case "scope" -> readScope(p, scope);
          default -> p.skipChildren(); // "timestamp" (derived from the nanos) and fields of newer writers
        }
      }
      return new Line(r, resource, scope);
    } catch (IllegalArgumentException e) {
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
        case "attributes" -> readInto(p, scope.attributes());
        default -> p.skipChildren();
      }
    }
  }

  private static void readInto(JsonParser p, Attributes into) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT, p);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      into.append(key, readValue(p));
    }
  }

  /** The current value: JSON types map to String, Long, Double, Boolean, null, List and Attributes. */
  private static Object readValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) throw new IOException("unexpected end of line");
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) list.add(readValue(p));
        yield list;
      }
      case START_OBJECT -> {
        Attributes kv = new Attributes();
        readInto(p, kv);
        yield kv;
      }
      default -> throw new IOException("unexpected " + t + " at column " + p.currentLocation().getColumnNr());
    };
  }

  private static void expect(JsonToken actual, JsonToken expected, JsonParser p) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + " but found " + actual + " at column " + p.currentLocation().getColumnNr());
    }
  }
}
