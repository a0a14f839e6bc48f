package io.stacklens.processor.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.stacklens.agent.data.Attributes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON text to the log model's values with jackson-core's streaming parser: objects to
 * {@link Attributes} (flattened into one level when asked), arrays to lists, integers to Long (beyond
 * 64 bits: the digits as a string), other numbers to Double, null to an empty value. Containers nested
 * deeper than {@code maxDepth} are kept as their JSON text.
 */
final class JsonParse {
  /** Thread-safe; its field-name table is shared by every parser it creates (field names are not re-allocated). */
  private static final JsonFactory FACTORY = JsonFactory.builder().build();
  private static final Pattern UNEXPECTED_CHAR = Pattern.compile("^Unexpected character \\('(.*?)' \\(code \\d+\\)\\)");
  private static final Pattern CTRL_CHAR = Pattern.compile("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)");

  /** Room for the fields of a typical application log object, so parsing one grows no arrays. */
  private static final int OBJECT_CAPACITY = 16;

  private final boolean flatten;
  private final String separator;
  private final int maxDepth;

  JsonParse(boolean flatten, String separator, int maxDepth) {
    this.flatten = flatten;
    this.separator = separator;
    this.maxDepth = maxDepth;
  }

  /**
   * Parses {@code text} read from field {@code where}. With {@code objectOnly} anything but an
   * object is an error (the target is a whole attribute map).
   */
  Object parse(String text, String where, boolean objectOnly) throws RecordError {
    if (text.isBlank()) throw new RecordError("json: " + where + " is empty; expected a JSON " + (objectOnly ? "object" : "value"));
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      Object value;
      if (t == JsonToken.START_OBJECT) {
        Attributes out = new Attributes(OBJECT_CAPACITY);
        readObject(p, text, out, null, 1);
        value = out;
      } else if (objectOnly) {
        throw new RecordError("json: expected a JSON object in " + where + ", got " + describe(t)
            + " at offset " + offset(p.currentTokenLocation()));
      } else {
        value = readValue(p, text, t, 1);
      }
      JsonToken extra = p.nextToken();
      if (extra != null) {
        throw new RecordError("json: more content (" + describe(extra) + ") after the end of the JSON value at offset "
            + offset(p.currentTokenLocation()) + " of " + where);
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new RecordError("json: " + reason(e.getOriginalMessage()) + " at offset " + offset(e.getLocation()) + " of " + where);
    } catch (IOException e) {
      throw new RecordError("json: cannot read " + where + ": " + e.getMessage());
    }
  }

  /** A value that already is a map (a structured body): flattened when asked, else taken as it is. */
  Attributes fromMap(Attributes map) {
    if (!flatten) return map;
    Attributes out = new Attributes(map.size());
    flattenInto(map, null, out);
    return out;
  }

  private void flattenInto(Attributes map, String prefix, Attributes out) {
    for (int i = 0; i < map.size(); i++) {
      String key = prefix == null ? map.key(i) : prefix + separator + map.key(i);
      Object v = map.value(i);
      if (v instanceof Attributes nested && !nested.isEmpty()) flattenInto(nested, key, out);
      else out.put(key, v);
    }
  }

  /** Reads the fields of the object whose START_OBJECT is current, at nesting {@code depth}, into {@code out}. */
  private void readObject(JsonParser p, String text, Attributes out, String prefix, int depth) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      String key = prefix == null ? name : prefix + separator + name;
      JsonToken v = p.nextToken();
      if (v == JsonToken.START_OBJECT && flatten && depth < maxDepth) {
        int before = out.size();
        readObject(p, text, out, key, depth + 1);
        if (out.size() == before) out.put(key, new Attributes()); // keep an empty object visible
      } else {
        out.put(key, readValue(p, text, v, depth));
      }
    }
    if (t != JsonToken.END_OBJECT) throw new IllegalStateException("unexpected token " + t); // jackson reports malformed input itself
  }

  /** The value whose first token {@code t} is current, inside a container at nesting {@code depth}. */
  private Object readValue(JsonParser p, String text, JsonToken t, int depth) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText() : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case START_OBJECT:
        if (depth >= maxDepth) return rawText(p, text);
        Attributes m = new Attributes();
        readObject(p, text, m, null, depth + 1);
        return m;
      case START_ARRAY:
        if (depth >= maxDepth) return rawText(p, text);
        List<Object> list = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) list.add(readValue(p, text, e, depth + 1));
        return list;
      default:
        throw new IllegalStateException("unexpected token " + t);
    }
  }

  /** The container starting at the current token, skipped and returned as its JSON text. */
  private static String rawText(JsonParser p, String text) throws IOException {
    int start = (int) p.currentTokenLocation().getCharOffset();
    p.skipChildren();
    int end = (int) p.currentTokenLocation().getCharOffset() + 1;
    return text.substring(start, end);
  }

  private static String describe(JsonToken t) {
    if (t == null) return "nothing";
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "'" + t.asString() + "'";
    };
  }

  private static long offset(JsonLocation at) {
    return at == null ? 0 : Math.max(0, at.getCharOffset());
  }

  /** Jackson's message without its source excerpt, in the words of the rest of our messages. */
  static String reason(String original) {
    if (original == null) return "malformed JSON";
    String m = original;
    int src = m.indexOf("[Source");
    if (src >= 0) {
      m = m.substring(0, src);
      int open = m.lastIndexOf(" (");
      if (open >= 0 && m.indexOf(')', open) < 0) m = m.substring(0, open);
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) m = m.substring(0, nl);
    Matcher u = UNEXPECTED_CHAR.matcher(m);
    if (u.find()) m = "unexpected character '" + u.group(1) + "'" + m.substring(u.end());
    Matcher c = CTRL_CHAR.matcher(m);
    if (c.find()) m = m.substring(0, c.start()) + "(control character " + c.group(1) + ")" + m.substring(c.end());
    m = m.replace("was expecting", "expected").replace("end-of-input", "end of input")
        .replace("expected close marker for Object", "an object is not closed (no '}')")
        .replace("expected close marker for Array", "an array is not closed (no ']')")
        .replace(": expected (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            " (expected a string, number, array, object, true, false or null)")
        .trim();
    if (m.endsWith(":") || m.endsWith(",")) m = m.substring(0, m.length() - 1);
    return m.isEmpty() ? "malformed JSON" : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }
}
