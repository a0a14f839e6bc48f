package io.stacklens.receiver.httpjson;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.stacklens.agent.data.Attributes;
import io.stacklens.receiver.json.FieldError;
import io.stacklens.receiver.json.JsonObjectReader;
import io.stacklens.receiver.json.JsonSyntaxException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request body into its JSON records. Three shapes:
 *
 * <ul>
 *   <li>one JSON object;
 *   <li>a JSON array of objects (an element that is no object is rejected on its own);
 *   <li>NDJSON: one object per line, blank lines ignored. A line that is not valid JSON is rejected
 *       on its own; the other lines still count. Declared by {@code application/x-ndjson}, or detected
 *       when an {@code application/json} body holds more than one top-level value.
 * </ul>
 *
 * A syntax error in a single object or an array spoils the whole body: {@link Malformed}, answered 400.
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

  /**
   * One record slot of the body.
   *
   * @param object the parsed object, or null when the slot is rejected
   * @param error why the slot is rejected (not JSON, not an object), or null
   */
  record Item(Attributes object, FieldError error) {}

  private RequestRecords() {}

  static List<Item> split(byte[] body, boolean ndjson) throws Malformed {
    if (ndjson) return lines(body);
    int start = skipWhitespace(body, 0);
    if (start < body.length && body[start] == '[') return array(body);
    List<Item> single = singleOrNull(body);
    return single != null ? single : lines(body);
  }

  private static List<Item> array(byte[] body) throws Malformed {
    List<Item> items = new ArrayList<>();
    try (JsonParser p = JsonObjectReader.parser(body, 0, body.length)) {
      p.nextToken(); // START_ARRAY
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) throw new JsonParseException(p, "the array is not closed (expected ']')");
        if (t == JsonToken.START_OBJECT) {
          items.add(new Item((Attributes) JsonObjectReader.readValue(p), null));
        } else {
          JsonObjectReader.readValue(p);
          items.add(new Item(null, new FieldError("", "expected a JSON object, got " + JsonObjectReader.describe(t))));
        }
      }
      JsonToken extra = p.nextToken();
      if (extra != null) {
        throw new Malformed(items.size(), syntaxAt("more content (" + JsonObjectReader.describe(extra) + ") after the array", p));
      }
      return items;
    } catch (JsonParseException e) {
      throw new Malformed(items.size(), JsonObjectReader.syntax(e));
    } catch (IOException e) {
      throw new Malformed(items.size(), new JsonSyntaxException(String.valueOf(e.getMessage()), -1, -1, -1));
    }
  }

  /**
   * The body as one value, or null when it holds several top-level values (NDJSON sent as
   * application/json). An error inside the first value spoils the body, unless that value ends at the
   * end of its line and more follows (then it is NDJSON with a bad first line).
   */
  private static List<Item> singleOrNull(byte[] body) throws Malformed {
    try (JsonParser p = JsonObjectReader.parser(body, 0, body.length)) {
      JsonToken first = p.nextToken();
      if (first == null) return List.of();
      Object value;
      try {
        value = JsonObjectReader.readValue(p);
      } catch (JsonParseException e) {
        if (firstLineEndsBeforeError(body, e)) return null;
        throw e;
      }
      try {
        if (p.nextToken() != null) return null;
      } catch (JsonParseException more) {
        return null; // something follows the first value: NDJSON, whose lines are judged one by one
      }
      if (value instanceof Attributes object) return List.of(new Item(object, null));
      throw new Malformed(0, new JsonSyntaxException(
          "expected a JSON object, an array of objects or NDJSON, got " + JsonObjectReader.describe(first), 1, 1, 0));
    } catch (JsonParseException e) {
      throw new Malformed(0, JsonObjectReader.syntax(e));
    } catch (IOException e) {
      throw new Malformed(0, new JsonSyntaxException(String.valueOf(e.getMessage()), -1, -1, -1));
    }
  }

  /** True when the parse error is past the first non-blank line and that line parses on its own (NDJSON). */
  private static boolean firstLineEndsBeforeError(byte[] body, JsonParseException e) {
    if (e.getLocation() == null || e.getLocation().getLineNr() <= 1) return false;
    int start = skipWhitespace(body, 0);
    int end = start;
    while (end < body.length && body[end] != '\n') end++;
    try {
      JsonObjectReader.parseObject(body, start, end - start);
      return true;
    } catch (JsonSyntaxException notAnObject) {
      return false;
    }
  }

  private static List<Item> lines(byte[] body) {
    List<Item> items = new ArrayList<>();
    int line = 0;
    int pos = 0;
    while (pos < body.length) {
      int end = pos;
      while (end < body.length && body[end] != '\n') end++;
      line++;
      int stop = end > pos && body[end - 1] == '\r' ? end - 1 : end;
      if (skipWhitespace(body, pos) < stop) {
        try {
          items.add(new Item(JsonObjectReader.parseObject(body, pos, stop - pos), null));
        } catch (JsonSyntaxException e) {
          String where = e.line() < 0
              ? "invalid JSON on line " + line
              : "invalid JSON at line " + line + ", column " + e.column() + " (byte " + (pos + e.byteOffset()) + ")";
          items.add(new Item(null, new FieldError("", where + ": " + e.reason())));
        }
      }
      pos = end + 1;
    }
    return items;
  }

  private static JsonSyntaxException syntaxAt(String reason, JsonParser p) {
    var where = p.currentTokenLocation();
    return new JsonSyntaxException(reason, where.getLineNr(), where.getColumnNr(), where.getByteOffset());
  }

  private static int skipWhitespace(byte[] body, int from) {
    int i = from;
    while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) i++;
    return i;
  }
}
