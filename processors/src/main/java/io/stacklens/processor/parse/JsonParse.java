package io.stacklens.processor.parse;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.json.JsonSyntaxException;
import io.stacklens.agent.json.JsonValueReader;

/**
 * JSON text to the log model's values through the agent's one JSON reader ({@link JsonValueReader}:
 * its rules for numbers, strings, repeated keys and nesting), flattening nested objects into one
 * level when asked and keeping containers nested deeper than {@code maxDepth} (the top-level value
 * is depth 1) as their JSON text.
 */
final class JsonParse {
  private final boolean flatten;
  private final String separator;
  private final JsonValueReader reader;

  JsonParse(boolean flatten, String separator, int maxDepth) {
    this.flatten = flatten;
    this.separator = separator;
    JsonValueReader r = JsonValueReader.standard().keepingTextBeyond(maxDepth - 1);
    this.reader = flatten ? r.flattening(separator) : r;
  }

  /**
   * Parses {@code text} read from field {@code where}. With {@code objectOnly} anything but an
   * object is an error (the target is a whole attribute map).
   */
  Object parse(String text, String where, boolean objectOnly) throws RecordError {
    if (text.isBlank())
      throw new RecordError(
          "json: " + where + " is empty; expected a JSON " + (objectOnly ? "object" : "value"));
    try {
      return objectOnly ? reader.readObject(text) : reader.readValue(text);
    } catch (JsonSyntaxException e) {
      throw new RecordError("json: " + e.reason() + " at offset " + e.offset() + " of " + where);
    }
  }

  /**
   * A value that already is a map (a structured body): flattened when asked, else taken as it is.
   */
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
}
