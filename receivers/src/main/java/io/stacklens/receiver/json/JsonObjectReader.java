package io.stacklens.receiver.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.stacklens.agent.api.MemoryLimiter;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.Utf16;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.agent.limits.RecordLimitException;
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
  /** Nesting deeper than this is refused (a guard against stack exhaustion), not truncated, when no limits are given. */
  public static final int MAX_DEPTH = 64;

  private static final JsonObjectReader UNLIMITED = new JsonObjectReader(
      new DecodeLimits("limits", Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, MAX_DEPTH, Integer.MAX_VALUE));

  private final DecodeLimits limits;
  private final JsonFactory json;

  private JsonObjectReader(DecodeLimits limits) {
    this.limits = limits;
    this.json = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            // Twice the values' own nesting, and the record object and an array around it: the reader's
            // depth check rejects a too-deep record on its own long before the parser's limit (a guard
            // against absurd nesting) refuses the whole body.
            .maxNestingDepth(Math.min(2000, limits.maxNestingDepth() * 2 + 8))
            .maxStringLength(Math.max(1, limits.maxValueSize()))
            .build())
        .build();
  }

  /** A reader whose parser stops at {@code limits} (strings longer than max_value_size, deep nesting). */
  public static JsonObjectReader of(DecodeLimits limits) {
    return new JsonObjectReader(limits);
  }

  public DecodeLimits limits() {
    return limits;
  }

  /** A parser over {@code bytes} with this reader's constraints. */
  public JsonParser newParser(byte[] bytes, int offset, int length) throws IOException {
    return json.createParser(bytes, offset, length);
  }

  /** A parser over {@code bytes} without decode limits (nesting at most {@value #MAX_DEPTH}). */
  public static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
    return UNLIMITED.newParser(bytes, offset, length);
  }

  /**
   * Parses {@code bytes} holding exactly one JSON object (surrounding whitespace allowed), as a Kafka
   * message value or one NDJSON line does, without decode limits.
   *
   * @throws JsonSyntaxException when it is not valid JSON, not an object, or followed by more content
   */
  public static Attributes parseObject(byte[] bytes) throws JsonSyntaxException {
    return parseObject(bytes, 0, bytes.length);
  }

  /** {@link #parseObject(byte[])} of {@code length} bytes from {@code offset}; locations are relative to {@code offset}. */
  public static Attributes parseObject(byte[] bytes, int offset, int length) throws JsonSyntaxException {
    try {
      return UNLIMITED.readObject(bytes, offset, length, new DecodeBudget(UNLIMITED.limits, MemoryLimiter.unlimited()));
    } catch (RecordLimitException e) {
      throw new JsonSyntaxException(e.getMessage(), -1, -1, -1);
    }
  }

  /**
   * One JSON object in {@code length} bytes from {@code offset}, read within {@code budget}: values
   * are counted and charged as they are read. A string longer than max_value_size or nesting deeper
   * than the parser allows is a {@link JsonSyntaxException} naming the limit and its key; the record's
   * own limits throw {@link RecordLimitException}; the request's throw
   * {@link io.stacklens.agent.limits.DecodeLimitException}.
   */
  public Attributes readObject(byte[] bytes, int offset, int length, DecodeBudget budget) throws JsonSyntaxException {
    try (JsonParser p = newParser(bytes, offset, length)) {
      JsonToken first = p.nextToken();
      if (first == null) throw syntax("no JSON value (the input is empty)", p.currentLocation());
      if (first != JsonToken.START_OBJECT) {
        throw syntax("expected a JSON object, got " + describe(first), p.currentTokenLocation());
      }
      try {
        Attributes object = (Attributes) readValue(p, budget, 0);
        JsonToken extra = p.nextToken();
        if (extra != null) {
          throw syntax("more content (" + describe(extra) + ") after the end of the object", p.currentTokenLocation());
        }
        return object;
      } catch (StreamConstraintsException e) {
        throw constraint(e, p.currentLocation());
      }
    } catch (JsonParseException e) {
      throw syntax(e);
    } catch (IOException e) {
      throw new JsonSyntaxException(String.valueOf(e.getMessage()), -1, -1, -1);
    }
  }

  /** A parser constraint crossed, as a syntax error that names the decode limit and its key. */
  public JsonSyntaxException constraint(StreamConstraintsException e) {
    return constraint(e, e.getLocation());
  }

  /** {@link #constraint(StreamConstraintsException)} at {@code where} (the parser's location, which the exception may lack). */
  public JsonSyntaxException constraint(StreamConstraintsException e, JsonLocation where) {
    String m = String.valueOf(e.getOriginalMessage());
    String why;
    if (m.startsWith("String value length")) {
      why = "a string is longer than the limit of " + limits.maxValueSize() + " bytes (" + limits.key("max_value_size") + ")";
    } else if (m.contains("nesting depth")) {
      why = "values are nested more than " + limits.maxNestingDepth() + " levels deep (nesting depth limit, "
          + limits.key("max_nesting_depth") + ")";
    } else {
      why = m;
    }
    return syntax(why, where);
  }

  /**
   * Reads the value at the parser's current token (which must be a value's first token) and leaves
   * the parser on its last token. No limits.
   */
  public static Object readValue(JsonParser p) throws IOException {
    return readValue(p, DecodeBudget.unlimited(), 0);
  }

  /**
   * Reads the value at the parser's current token within {@code budget}: each object member and array
   * item counts against the record's attributes, containers against the nesting depth ({@code depth}
   * is this value's: 0 for the record object itself), strings are charged by length. Unpaired
   * surrogates in strings and keys become U+FFFD.
   */
  public static Object readValue(JsonParser p, DecodeBudget budget, int depth) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) throw new JsonParseException(p, "unexpected end of input");
    return switch (t) {
      case VALUE_STRING -> {
        String text = p.getText();
        budget.charge(MemoryEstimate.string(text.length()));
        yield Utf16.replaceLoneSurrogates(text);
      }
      case VALUE_NUMBER_INT -> {
        budget.charge(MemoryEstimate.BOXED);
        yield p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue() : (Object) p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        budget.charge(MemoryEstimate.BOXED);
        yield p.getDoubleValue();
      }
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case START_ARRAY -> {
        budget.checkDepth(depth);
        budget.charge(MemoryEstimate.CONTAINER);
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          budget.countValue();
          budget.charge(MemoryEstimate.SLOT);
          list.add(readValue(p, budget, depth + 1));
        }
        yield list;
      }
      case START_OBJECT -> {
        budget.checkDepth(depth);
        budget.charge(MemoryEstimate.CONTAINER);
        Attributes object = new Attributes();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          budget.countValue();
          budget.charge(MemoryEstimate.SLOT + MemoryEstimate.string(key.length()));
          p.nextToken();
          object.put(Utf16.replaceLoneSurrogates(key), readValue(p, budget, depth + 1));
        }
        yield object;
      }
      default -> throw new JsonParseException(p, "unexpected " + describe(t));
    };
  }

  /**
   * After a {@link RecordLimitException} inside a value that began at nesting level {@code depth}
   * (the parser's, taken at the value's first token): moves the parser past the end of that value
   * without reading what is left of it into memory.
   */
  public static void skipRestOf(JsonParser p, int depth) throws IOException {
    while (p.getParsingContext().getNestingDepth() >= depth) {
      if (p.nextToken() == null) throw new JsonParseException(p, "the input ends inside a value");
    }
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
