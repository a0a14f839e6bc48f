package io.stacklens.receiver.httpjson;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.json.JsonSyntaxException;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.RecordLimitException;
import io.stacklens.receiver.json.FieldError;
import java.io.IOException;

/**
 * Splits a request body into its JSON records and hands each to a {@link Sink} as soon as it is
 * read (so a body of a million records never becomes a million parsed objects at once). Three
 * shapes:
 *
 * <ul>
 *   <li>one JSON object;
 *   <li>a JSON array of objects (an element that is no object is rejected on its own);
 *   <li>NDJSON: one object per line, blank lines ignored. A line that is not valid JSON is rejected
 *       on its own; the other lines still count. Declared by {@code application/x-ndjson}, or
 *       detected when an {@code application/json} body holds more than one top-level value.
 * </ul>
 *
 * Every record slot is counted against {@code max_records_per_request} before it is read, and its
 * values against the record limits: a record over one (too many fields, too deep, or in NDJSON a
 * string too long) is rejected on its own. A syntax error in a single object or an array spoils the
 * whole body: {@link Malformed}, answered 400; so does, in an array, a string longer than
 * max_value_size or nesting the parser refuses ({@link DecodeLimitException}, answered 413),
 * because the parser stops there.
 */
final class RequestRecords {
  /** The body cannot be split into records; {@code index} is the record the error is in. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    final int index;
    final JsonSyntaxException cause;

    Malformed(int index, JsonSyntaxException cause) {
      super(cause.getMessage(), null, false, false);
      this.index = index;
      this.cause = cause;
    }
  }

  /** Receives the record slots of a body in order. */
  interface Sink {
    /** The object of record {@code index}, read within the budget. */
    void record(int index, Attributes object);

    /**
     * Record {@code index} is rejected: not JSON, not an object, or over a record-level limit
     * ({@code reason}).
     */
    void rejected(int index, String reason, FieldError error);
  }

  /** {@link Sink#rejected} reasons besides the record-level limits' own. */
  static final String INVALID_JSON = "invalid_json";

  private final JsonValueReader reader;
  private final DecodeBudget budget;
  private final Sink sink;
  private int index;

  /**
   * Records read to their end: the index of the one being read when the body turns out malformed.
   */
  private int completed;

  private RequestRecords(JsonValueReader reader, DecodeBudget budget, Sink sink) {
    this.reader = reader;
    this.budget = budget;
    this.sink = sink;
  }

  /**
   * Reads every record of {@code body} into {@code sink}; throws when the body as a whole is
   * refused.
   */
  static void split(
      byte[] body, boolean ndjson, JsonValueReader reader, DecodeBudget budget, Sink sink)
      throws Malformed {
    RequestRecords r = new RequestRecords(reader, budget, sink);
    if (ndjson) {
      r.lines(body);
      return;
    }
    int start = skipWhitespace(body, 0);
    if (start < body.length && body[start] == '[') {
      r.array(body);
    } else if (!r.single(body)) {
      r.lines(body);
    }
  }

  private void array(byte[] body) throws Malformed {
    try (JsonParser p = reader.newParser(body, 0, body.length)) {
      try {
        arrayElements(p);
      } catch (StreamConstraintsException e) {
        throw refusal(e, p.currentLocation());
      }
    } catch (JsonParseException e) {
      throw new Malformed(completed, JsonValueReader.syntax(e));
    } catch (IOException e) {
      throw new Malformed(
          completed, new JsonSyntaxException(String.valueOf(e.getMessage()), -1, -1, -1));
    }
  }

  private void arrayElements(JsonParser p) throws IOException, Malformed {
    {
      p.nextToken(); // START_ARRAY
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) throw new JsonParseException(p, "the array is not closed (expected ']')");
        int i = index++;
        budget.countRecord();
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          sink.rejected(
              i,
              INVALID_JSON,
              new FieldError("", "expected a JSON object, got " + JsonValueReader.describe(t)));
          completed++;
          continue;
        }
        int depth = p.getParsingContext().getNestingDepth();
        try {
          sink.record(i, (Attributes) reader.read(p, budget, 0));
        } catch (RecordLimitException e) {
          JsonValueReader.skipRestOf(p, depth);
          sink.rejected(i, e.reason(), new FieldError("", e.getMessage()));
        }
        completed++;
      }
      JsonToken extra = p.nextToken();
      if (extra != null) {
        throw new Malformed(
            completed,
            syntaxAt("more content (" + JsonValueReader.describe(extra) + ") after the array", p));
      }
    }
  }

  /**
   * The body as one object: true when it was one value (handed to the sink, or rejected), false
   * when it holds several top-level values (NDJSON sent as application/json). An error inside the
   * first value spoils the body, unless that value ends at the end of its line and more follows
   * (then it is NDJSON with a bad first line).
   */
  private boolean single(byte[] body) throws Malformed {
    try (JsonParser p = reader.newParser(body, 0, body.length)) {
      try {
        return singleValue(body, p);
      } catch (StreamConstraintsException e) {
        if (moreThanOneValue(body)) return false;
        throw refusal(e, p.currentLocation());
      }
    } catch (JsonParseException e) {
      throw new Malformed(0, JsonValueReader.syntax(e));
    } catch (IOException e) {
      throw new Malformed(0, new JsonSyntaxException(String.valueOf(e.getMessage()), -1, -1, -1));
    }
  }

  private boolean singleValue(byte[] body, JsonParser p) throws IOException, Malformed {
    {
      JsonToken first = p.nextToken();
      if (first == null) return true;
      Object value;
      try {
        value = first == JsonToken.START_OBJECT ? reader.read(p, budget, 0) : reader.read(p);
      } catch (RecordLimitException e) {
        if (moreThanOneValue(body)) return false;
        budget.countRecord();
        sink.rejected(index++, e.reason(), new FieldError("", e.getMessage()));
        return true;
      } catch (JsonParseException e) {
        if (firstLineEndsBeforeError(body, e)) return false;
        throw e;
      }
      try {
        if (p.nextToken() != null) return false;
      } catch (JsonParseException more) {
        return false; // something follows the first value: NDJSON, whose lines are judged one by
        // one
      }
      if (value instanceof Attributes object) {
        budget.countRecord();
        sink.record(index++, object);
        return true;
      }
      throw new Malformed(
          0,
          new JsonSyntaxException(
              "expected a JSON object, an array of objects or NDJSON, got "
                  + JsonValueReader.describe(first),
              1,
              1,
              0));
    }
  }

  /** True when a second non-blank line follows the first: NDJSON, judged line by line. */
  private static boolean moreThanOneValue(byte[] body) {
    int start = skipWhitespace(body, 0);
    int end = start;
    while (end < body.length && body[end] != '\n') end++;
    return skipWhitespace(body, end) < body.length;
  }

  /**
   * True when the parse error is past the first non-blank line and that line parses on its own
   * (NDJSON).
   */
  private boolean firstLineEndsBeforeError(byte[] body, JsonParseException e) {
    if (e.getLocation() == null || e.getLocation().getLineNr() <= 1) return false;
    int start = skipWhitespace(body, 0);
    int end = start;
    while (end < body.length && body[end] != '\n') end++;
    try {
      reader.readObject(body, start, end - start, DecodeBudget.unlimited());
      return true;
    } catch (JsonSyntaxException | RecordLimitException notAnObject) {
      return false;
    }
  }

  private void lines(byte[] body) {
    int line = 0;
    int pos = 0;
    while (pos < body.length) {
      int end = pos;
      while (end < body.length && body[end] != '\n') end++;
      line++;
      int stop = end > pos && body[end - 1] == '\r' ? end - 1 : end;
      if (blankUntil(body, pos, stop) < stop) {
        int i = index++;
        budget.countRecord();
        try {
          sink.record(i, reader.readObject(body, pos, stop - pos, budget));
        } catch (JsonSyntaxException e) {
          String where =
              e.line() < 0
                  ? "invalid JSON on line " + line
                  : "invalid JSON at line "
                      + line
                      + ", column "
                      + e.column()
                      + " (byte "
                      + (pos + e.byteOffset())
                      + ")";
          sink.rejected(i, INVALID_JSON, new FieldError("", where + ": " + e.reason()));
        } catch (RecordLimitException e) {
          sink.rejected(i, e.reason(), new FieldError("", "line " + line + ": " + e.getMessage()));
        }
      }
      pos = end + 1;
    }
  }

  /**
   * A parser constraint crossed in a body read as one value: the request is refused, naming the
   * limit.
   */
  private DecodeLimitException refusal(
      StreamConstraintsException e, com.fasterxml.jackson.core.JsonLocation where) {
    JsonSyntaxException s = reader.constraint(e, where);
    String reason = s.reason().contains("max_value_size") ? "max_value_size" : "max_nesting_depth";
    return new DecodeLimitException(
        reason,
        false,
        "record "
            + completed
            + " (line "
            + s.line()
            + ", column "
            + s.column()
            + "): "
            + s.reason()
            + "; the request is refused");
  }

  private static JsonSyntaxException syntaxAt(String reason, JsonParser p) {
    var where = p.currentTokenLocation();
    return new JsonSyntaxException(
        reason, where.getLineNr(), where.getColumnNr(), where.getByteOffset());
  }

  /**
   * The first non-blank byte of {@code [from, stop)}, or {@code stop}: one line only, so blank
   * lines cost O(length).
   */
  private static int blankUntil(byte[] body, int from, int stop) {
    int i = from;
    while (i < stop && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r')) i++;
    return i;
  }

  private static int skipWhitespace(byte[] body, int from) {
    int i = from;
    while (i < body.length
        && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) i++;
    return i;
  }
}
