package io.stacklens.processor.enrich;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.json.JsonSyntaxException;
import io.stacklens.agent.json.JsonValueReader;
import java.util.List;
import java.util.Map;

/**
 * Maps a JSON object (an HTTP source's answer) to attributes: chosen fields (dotted paths into
 * nested objects) to named attributes, or every top-level scalar with a prefix. The object is read
 * by the agent's one JSON reader ({@link JsonValueReader}: its rules for numbers, strings, repeated
 * keys and nesting).
 */
final class JsonFields {
  private final String[][] paths;
  private final String[] targets;
  private final String prefix;

  /**
   * {@code fields}: JSON path -> attribute; empty: every top-level scalar as {@code prefix + name}.
   */
  JsonFields(Map<String, String> fields, String prefix) {
    this.paths = new String[fields.size()][];
    this.targets = new String[fields.size()];
    int i = 0;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      paths[i] = e.getKey().split("\\.", -1);
      targets[i] = e.getValue();
      i++;
    }
    this.prefix = prefix;
  }

  /** The attributes taken from {@code json}; throws BadJson when it is not a JSON object. */
  Attributes map(byte[] json) throws BadJson {
    Attributes doc;
    try {
      doc = JsonValueReader.standard().readObject(json);
    } catch (JsonSyntaxException e) {
      throw new BadJson(e.getMessage());
    }
    Attributes out = new Attributes(paths.length == 0 ? doc.size() : paths.length);
    if (paths.length == 0) {
      for (int i = 0; i < doc.size(); i++) {
        Object v = doc.value(i);
        if (v != null && !(v instanceof Attributes) && !(v instanceof List<?>))
          out.put(prefix + doc.key(i), v);
      }
      return out;
    }
    for (int i = 0; i < paths.length; i++) {
      Object v = doc;
      for (String segment : paths[i]) {
        v = v instanceof Attributes m ? m.get(segment) : null;
        if (v == null) break;
      }
      if (v != null) out.put(targets[i], v);
    }
    return out;
  }

  /** The answer was not a usable JSON object. */
  static final class BadJson extends Exception {
    BadJson(String message) {
      super(message, null, false, false);
    }
  }
}
