package io.stacklens.receiver.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.stacklens.agent.data.Attributes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON into the agent's value model, ready for {@link JsonRecordMapper}: objects become
 * {@link Attributes} (keys in document order; a repeated key keeps its last value), arrays
 * {@code List<Object>}, strings {@link String}, integers {@link Long} (integers beyond 64 bits
 * {@link Double}), other numbers {@link Double}, booleans {@link Boolean}, {@code null} null.
 */
public final class JsonObjectReader {
  /** Nesting deeper than this is refused (a guard against stack exhaustion), not truncated. */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build();

  private JsonObjectReader() {}

  /** A parser over {@code bytes} with the reader's limits; callers reading several values use it with {@link #readValue}. */
  public static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
    return JSON.createParser(bytes, offset, length);
  }

  /**
   * Parses {@code bytes} holding exactly one JSON object (surrounding whitespace allowed), as a Kafka
   * message value or one NDJSON line does.
   *
   * @throws JsonSyntaxException when it is not valid JSON, not an object, or followed by more content
   */
  public static Attributes parseObject(byte[] bytes) throws JsonSyntaxException {
    return parseObject(bytes, 0, bytes.length);
  }

  /** {@link #parseObject(byte[])} of {@code length} bytes from {@code offset}; locations are relative to {@code offset}. */
  public static Attributes parseObject(byte[] bytes, int offset, int length) throws JsonSyntaxException {
    try (JsonParser p = parser(bytes, offset, length)) {
      JsonToken first = p.nextToken();
      if (first == null) throw syntax("no JSON value (the input is empty)", p.currentLocation());
      if (first != JsonToken.START_OBJECT) {
        throw syntax("expected a JSON object, got " + describe(first), p.currentTokenLocation());
      }
      Attributes object = (Attributes) readValue(p);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        throw syntax("more content (" + describe(extra) + ") after the end of the object", p.currentTokenLocation());
      }
      return object;
    } catch (JsonParseException e) {
      throw syntax(e);
    } catch (IOException e) {
      throw new JsonSyntaxException(String.valueOf(e.getMessage()), -1, -1, -1);
    }
  }

  /**
   * Reads the value at the parser's current token (which must be a value's first token) and leaves
   * the parser on its last token.
   */
  public static Object readValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) throw new JsonParseException(p, "unexpected end of input");
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue() : (Object) p.getLongValue();
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
        Attributes object = new Attributes();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          object.put(key, readValue(p));
        }
        yield object;
      }
      default -> throw new JsonParseException(p, "unexpected " + describe(t));
    };
  }

  /** The exception for a parse error, with Jackson's message cut to its first line and its location. */
  public static JsonSyntaxException syntax(JsonParseException e) {
    String message = e.getOriginalMessage();
    int cut = message == null ? -1 : message.indexOf('\n');
    if (cut >= 0) message = message.substring(0, cut);
    return syntax(message, e.getLocation());
  }

  static JsonSyntaxException syntax(String message, JsonLocation where) {
    if (where == null) return new JsonSyntaxException(message, -1, -1, -1);
    return new JsonSyntaxException(message, where.getLineNr(), where.getColumnNr(), where.getByteOffset());
  }

  /** A token as words: "a string", "an array", "the end of an object". */
  public static String describe(JsonToken t) {
    if (t == null) return "the end of the input";
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case END_OBJECT -> "the end of an object";
      case END_ARRAY -> "the end of an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /** A value's JSON type as words ("a string", "a number", "an object", ...). */
  public static String describe(Object value) {
    if (value == null) return "null";
    if (value instanceof String) return "a string";
    if (value instanceof Long) return "an integer";
    if (value instanceof Number) return "a number";
    if (value instanceof Boolean) return "a boolean";
    if (value instanceof Attributes) return "an object";
    if (value instanceof List<?>) return "an array";
    return value.getClass().getSimpleName();
  }
}
