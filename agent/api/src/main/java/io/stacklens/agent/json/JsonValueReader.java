package io.stacklens.agent.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.Utf16;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.agent.limits.RecordLimitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's one reader from JSON text to its value model (the AnyValue kinds of {@link
 * Attributes}), on jackson-core's streaming parser. Every component that turns JSON into values
 * uses it: the {@code http_json} and Kafka receivers, the {@code parse} and {@code enrich}
 * processors, and the tests' reader of the file exporter's {@code json_lines}. The OTLP/JSON codec
 * ({@code otlp.OtlpJson}) reads a protobuf schema, not free values, and follows the same string
 * rule.
 *
 * <p>The rules, decided once (docs/architecture.md, "Shared code"):
 *
 * <ul>
 *   <li><b>Objects</b> become {@link Attributes}, keys in document order. A <b>repeated key</b>
 *       keeps its last value, at the position where the key first appeared (what JavaScript's
 *       {@code JSON.parse} and most JSON libraries do; the model's keys are unique). The <b>empty
 *       key</b> is a key like any other: JSON allows it, the model and OTLP carry it, and dropping
 *       it would lose data a user sent.
 *   <li><b>Arrays</b> become {@code List<Object>}; {@code true}/{@code false} {@link Boolean};
 *       {@code null} null (an empty value).
 *   <li><b>Strings</b> (and keys) become {@link String}, with every unpaired UTF-16 surrogate (a
 *       {@code "\ud800"} escape) replaced by U+FFFD, as the OTLP/JSON decoder does ({@link
 *       Utf16#replaceLoneSurrogates}): such a string has no UTF-8 form, so every exporter would
 *       have to mangle it later anyway.
 *   <li><b>Integers</b> that fit in 64 bits become {@link Long}. <b>Larger integers</b> keep their
 *       digits as written, as a {@link String}: they are almost always identifiers (unsigned 64-bit
 *       ids, hashes) whose every digit matters, and a double would silently change them ({@code
 *       12345678901234567890} would become {@code 1.2345678901234567E19}). The same choice as
 *       OTLP/JSON, which writes 64-bit integers as strings.
 *   <li><b>Other numbers</b> (a fraction or an exponent) become {@link Double}, the nearest double
 *       as every JSON parser reads it. One <b>beyond double's range</b> (such as {@code 1e400})
 *       keeps its text as a {@link String}, like a large integer, instead of becoming an infinity,
 *       which JSON cannot even write back.
 *   <li><b>Nesting</b>: the top value is at depth 0 and each container inside a container one
 *       deeper. A container deeper than the limit ({@link #DEFAULT_MAX_DEPTH}, or {@code
 *       max_nesting_depth} of the {@link DecodeLimits} given) is refused — an error, never a silent
 *       truncation — which also keeps the recursion far from the thread's stack size. A reader made
 *       with {@link #keepingTextBeyond} keeps containers deeper than its depth as their JSON text
 *       instead (the {@code parse} processor's {@code json.max_depth}).
 *   <li>Anything after the value but whitespace, and empty input, are errors.
 * </ul>
 *
 * <p>With a {@link DecodeBudget} (the receivers) every member and array item is counted against the
 * record's attributes, containers against its nesting depth, and strings, numbers and containers
 * are charged by their estimated size as they are read; a record over a record-level limit throws
 * {@link RecordLimitException}, a request over a request-level limit {@link
 * io.stacklens.agent.limits.DecodeLimitException}. Strings longer than {@code max_value_size} are
 * refused by the parser itself (its {@link StreamReadConstraints}).
 *
 * <p>Immutable and thread-safe: make one per component and share it.
 */
public final class JsonValueReader {
  /** Containers nested deeper than this are refused unless the limits given say otherwise. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  /** Room for the fields of a typical application log object, so flattening one grows no arrays. */
  private static final int FLAT_OBJECT_CAPACITY = 16;

  private static final int NO_TEXT_DEPTH = Integer.MAX_VALUE;

  private static final JsonValueReader STANDARD =
      new JsonValueReader(
          new DecodeLimits(
              "limits",
              Integer.MAX_VALUE,
              Long.MAX_VALUE,
              Integer.MAX_VALUE,
              DEFAULT_MAX_DEPTH,
              Integer.MAX_VALUE),
          NO_TEXT_DEPTH,
          null);

  private final DecodeLimits limits;
  private final int maxDepth;
  private final int textDepth;
  private final String separator;
  private final JsonFactory json;

  private JsonValueReader(DecodeLimits limits, int textDepth, String separator) {
    this.limits = limits;
    this.maxDepth = limits.maxNestingDepth();
    this.textDepth = textDepth;
    this.separator = separator;
    this.json =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    // Twice the values' own nesting, and a record object and an array around it:
                    // the reader's
                    // depth check rejects a too-deep record on its own long before the parser's
                    // limit (a guard
                    // against absurd nesting) refuses the whole input.
                    .maxNestingDepth((int) Math.min(2000, maxDepth * 2L + 8))
                    .maxStringLength(Math.max(1, limits.maxValueSize()))
                    .build())
            .build();
  }

  /**
   * The reader without decode limits: nesting at most {@value #DEFAULT_MAX_DEPTH}, strings of any
   * length.
   */
  public static JsonValueReader standard() {
    return STANDARD;
  }

  /**
   * A reader within {@code limits}: the parser refuses strings longer than {@code max_value_size}
   * and nesting far beyond {@code max_nesting_depth}; the reader refuses containers deeper than
   * {@code max_nesting_depth}. Pass a {@link DecodeBudget} of the same limits to count the rest.
   */
  public static JsonValueReader of(DecodeLimits limits) {
    return new JsonValueReader(limits, NO_TEXT_DEPTH, null);
  }

  /**
   * This reader, keeping every container deeper than {@code depth} (at least 0; the top value is at
   * 0) as its JSON text, a string, exactly as it appears in the input: the structure stays bounded
   * and nothing is lost. Nesting is then refused only beyond both this depth and the limit. For
   * whole documents (the {@code read...} methods that take the input), not for a parser handed in.
   */
  public JsonValueReader keepingTextBeyond(int depth) {
    if (depth < 0) throw new IllegalArgumentException("depth must be at least 0, got " + depth);
    DecodeLimits l = limits;
    if (depth > l.maxNestingDepth()) {
      l =
          new DecodeLimits(
              l.keyPrefix(),
              l.maxRecordsPerRequest(),
              l.maxDecodedSize(),
              l.maxAttributesPerRecord(),
              depth,
              l.maxValueSize());
    }
    return new JsonValueReader(l, depth, separator);
  }

  /**
   * This reader, flattening objects: the members of an object inside an object are put into the
   * outer one, their keys joined to the outer key with {@code separator} ({@code
   * {"http":{"method":"GET"}}} becomes {@code {"http.method":"GET"}}); an empty inner object stays,
   * as an empty object. Objects inside arrays are flattened in themselves. Containers kept as text
   * ({@link #keepingTextBeyond}) are not flattened. A flattened key equal to another key is a
   * repeated key: the last value wins.
   */
  public JsonValueReader flattening(String separator) {
    if (separator == null || separator.isEmpty())
      throw new IllegalArgumentException("the separator must not be empty");
    return new JsonValueReader(limits, textDepth, separator);
  }

  /** The limits this reader's parser and depth check enforce. */
  public DecodeLimits limits() {
    return limits;
  }

  /**
   * A parser over {@code length} bytes from {@code offset}, with this reader's constraints;
   * locations are relative to {@code offset}.
   */
  public JsonParser newParser(byte[] bytes, int offset, int length) throws IOException {
    return json.createParser(bytes, offset, length);
  }

  /** A parser over {@code text}, with this reader's constraints. */
  public JsonParser newParser(String text) throws IOException {
    return json.createParser(text);
  }

  // ------------------------------------------------------------------ whole documents

  /** The one JSON value of {@code text} (surrounding whitespace allowed). */
  public Object readValue(String text) throws JsonSyntaxException {
    return document(text, null, 0, 0, false, null);
  }

  /**
   * The one JSON value of {@code length} bytes from {@code offset} (surrounding whitespace
   * allowed).
   */
  public Object readValue(byte[] bytes, int offset, int length) throws JsonSyntaxException {
    return document(null, bytes, offset, length, false, null);
  }

  /** The one JSON object of {@code text}; anything else (an array, a number, ...) is an error. */
  public Attributes readObject(String text) throws JsonSyntaxException {
    return (Attributes) document(text, null, 0, 0, true, null);
  }

  /** The one JSON object of {@code bytes}, as a Kafka message value or an HTTP answer holds it. */
  public Attributes readObject(byte[] bytes) throws JsonSyntaxException {
    return readObject(bytes, 0, bytes.length);
  }

  /**
   * The one JSON object of {@code length} bytes from {@code offset}; locations are relative to
   * {@code offset}.
   */
  public Attributes readObject(byte[] bytes, int offset, int length) throws JsonSyntaxException {
    return (Attributes) document(null, bytes, offset, length, true, null);
  }

  /**
   * The one JSON object in {@code length} bytes from {@code offset}, read within {@code budget}:
   * values are counted and charged as they are read. A string longer than max_value_size or nesting
   * far deeper than the limit (the parser stops there) is a {@link JsonSyntaxException} naming the
   * limit and its key; the record's own limits throw {@link RecordLimitException}; the request's
   * throw {@link io.stacklens.agent.limits.DecodeLimitException}.
   */
  public Attributes readObject(byte[] bytes, int offset, int length, DecodeBudget budget)
      throws JsonSyntaxException {
    return (Attributes) document(null, bytes, offset, length, true, budget);
  }

  private Object document(
      String text, byte[] bytes, int offset, int length, boolean objectOnly, DecodeBudget budget)
      throws JsonSyntaxException {
    try (JsonParser p = text != null ? newParser(text) : newParser(bytes, offset, length)) {
      try {
        JsonToken first = p.nextToken();
        if (first == null) throw syntax("no JSON value (the input is empty)", p.currentLocation());
        if (objectOnly && first != JsonToken.START_OBJECT) {
          throw syntax("expected a JSON object, got " + describe(first), p.currentTokenLocation());
        }
        Object value;
        try {
          value = read(p, budget, 0, text != null ? text : bytes, text != null ? 0 : offset);
        } catch (RecordLimitException e) {
          if (budget != null) throw e;
          throw syntax(e.getMessage(), p.currentTokenLocation());
        }
        JsonToken extra = p.nextToken();
        if (extra != null) {
          throw syntax(
              "more content ("
                  + describe(extra)
                  + ") after the end of the "
                  + (objectOnly ? "object" : "value"),
              p.currentTokenLocation());
        }
        return value;
      } catch (StreamConstraintsException e) {
        throw constraint(e, p.currentLocation());
      }
    } catch (JsonProcessingException e) {
      throw syntax(e);
    } catch (IOException e) {
      throw new JsonSyntaxException(String.valueOf(e.getMessage()), -1, -1, -1);
    }
  }

  // ------------------------------------------------------------------ a parser handed in

  /**
   * Reads the value at the parser's current token (which must be a value's first token) and leaves
   * the parser on its last token, without a budget. Throws {@link RecordLimitException} for nesting
   * beyond the limit.
   */
  public Object read(JsonParser p) throws IOException {
    return read(p, null, 0, null, 0);
  }

  /**
   * Reads the value at the parser's current token within {@code budget} (null: none); {@code depth}
   * is this value's (0 for a record object itself). See the class comment for what is counted.
   */
  public Object read(JsonParser p, DecodeBudget budget, int depth) throws IOException {
    return read(p, budget, depth, null, 0);
  }

  /**
   * Reads the members of the object whose {@code START_OBJECT} is the parser's current token into
   * {@code into} (a repeated key, or a key {@code into} already has, takes the new value) and
   * leaves the parser on its {@code END_OBJECT}.
   */
  public void readInto(JsonParser p, Attributes into) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new JsonParseException(p, "expected an object, got " + describe(p.currentToken()));
    }
    members(p, null, 0, null, 0, into, null);
  }

  /**
   * The value at the current token; {@code source} (the String or byte[] parsed, with the parser's
   * offset {@code base} into it) is needed only to keep deep containers as text.
   */
  private Object read(JsonParser p, DecodeBudget budget, int depth, Object source, int base)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) throw new JsonParseException(p, "unexpected end of input");
    switch (t) {
      case VALUE_STRING:
        {
          String text = p.getText();
          if (budget != null) budget.charge(MemoryEstimate.string(text.length()));
          return Utf16.replaceLoneSurrogates(text);
        }
      case VALUE_NUMBER_INT:
        if (budget != null) budget.charge(MemoryEstimate.BOXED);
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? p.getText()
            : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        {
          if (budget != null) budget.charge(MemoryEstimate.BOXED);
          double d = p.getDoubleValue();
          return Double.isInfinite(d) ? p.getText() : (Object) d;
        }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case START_ARRAY:
        {
          if (depth > textDepth) return text(p, source, base);
          checkDepth(budget, depth);
          if (budget != null) budget.charge(MemoryEstimate.CONTAINER);
          List<Object> list = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (budget != null) {
              budget.countValue();
              budget.charge(MemoryEstimate.SLOT);
            }
            list.add(read(p, budget, depth + 1, source, base));
          }
          return list;
        }
      case START_OBJECT:
        {
          if (depth > textDepth) return text(p, source, base);
          checkDepth(budget, depth);
          if (budget != null) budget.charge(MemoryEstimate.CONTAINER);
          Attributes object =
              separator != null && depth == 0
                  ? new Attributes(FLAT_OBJECT_CAPACITY)
                  : new Attributes();
          members(p, budget, depth, source, base, object, null);
          return object;
        }
      default:
        throw new JsonParseException(p, "unexpected " + describe(t));
    }
  }

  /**
   * The members of the object at {@code depth} whose START_OBJECT is current, put into {@code into}
   * with keys after {@code prefix} (flattening); leaves the parser on its END_OBJECT.
   */
  private void members(
      JsonParser p,
      DecodeBudget budget,
      int depth,
      Object source,
      int base,
      Attributes into,
      String prefix)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (budget != null) {
        budget.countValue();
        budget.charge(MemoryEstimate.SLOT + MemoryEstimate.string(name.length()));
      }
      String key = Utf16.replaceLoneSurrogates(name);
      if (prefix != null) key = prefix + separator + key;
      JsonToken v = p.nextToken();
      if (v == JsonToken.START_OBJECT && separator != null && depth + 1 <= textDepth) {
        checkDepth(budget, depth + 1);
        int before = into.size();
        members(p, budget, depth + 1, source, base, into, key);
        if (into.size() == before) into.put(key, new Attributes()); // keep an empty object visible
      } else {
        into.put(key, read(p, budget, depth + 1, source, base));
      }
    }
  }

  private void checkDepth(DecodeBudget budget, int depth) {
    if (budget != null) {
      budget.checkDepth(depth);
    } else if (depth > maxDepth) {
      throw new RecordLimitException(
          "max_nesting_depth", "values are nested more than " + maxDepth + " levels deep");
    }
  }

  /** The container starting at the current token, skipped, as it is written in {@code source}. */
  private static String text(JsonParser p, Object source, int base) throws IOException {
    if (source == null)
      throw new IllegalStateException(
          "keeping containers as text needs the whole input: use readValue/readObject");
    JsonLocation start = p.currentTokenLocation();
    p.skipChildren();
    JsonLocation end = p.currentTokenLocation();
    if (source instanceof String s)
      return s.substring((int) start.getCharOffset(), (int) end.getCharOffset() + 1);
    int from = base + (int) start.getByteOffset();
    return new String(
        (byte[]) source,
        from,
        (int) (end.getByteOffset() - start.getByteOffset()) + 1,
        StandardCharsets.UTF_8);
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

  // ------------------------------------------------------------------ errors

  /**
   * The exception for a parse error: Jackson's message in our words ({@link JacksonMessages}) and
   * its location.
   */
  public static JsonSyntaxException syntax(JsonProcessingException e) {
    return syntax(JacksonMessages.reason(e.getOriginalMessage()), e.getLocation());
  }

  /** The exception for {@code reason} at {@code where} (may be null). */
  public static JsonSyntaxException syntax(String reason, JsonLocation where) {
    if (where == null) return new JsonSyntaxException(reason, -1, -1, -1);
    return new JsonSyntaxException(
        reason,
        where.getLineNr(),
        where.getColumnNr(),
        where.getByteOffset(),
        where.getByteOffset() >= 0 ? -1 : where.getCharOffset());
  }

  /** A parser constraint crossed, as a syntax error that names the decode limit and its key. */
  public JsonSyntaxException constraint(StreamConstraintsException e) {
    return constraint(e, e.getLocation());
  }

  /**
   * {@link #constraint(StreamConstraintsException)} at {@code where} (the parser's location, which
   * the exception may lack).
   */
  public JsonSyntaxException constraint(StreamConstraintsException e, JsonLocation where) {
    String m = String.valueOf(e.getOriginalMessage());
    String why;
    if (m.startsWith("String value length")) {
      why =
          "a string is longer than the limit of "
              + limits.maxValueSize()
              + " bytes ("
              + limits.key("max_value_size")
              + ")";
    } else if (m.contains("nesting depth")) {
      why =
          "values are nested more than "
              + maxDepth
              + " levels deep (nesting depth limit"
              + (this == STANDARD ? "" : ", " + limits.key("max_nesting_depth"))
              + ")";
    } else {
      why = JacksonMessages.reason(m);
    }
    return syntax(why, where);
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

  /** A value's JSON type as words ("a string", "an integer", "a number", "an object", ...). */
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
