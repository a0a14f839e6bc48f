package io.stacklens.processor.enrich;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.stacklens.agent.data.Attributes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps a JSON object (an HTTP source's answer) to attributes with jackson-core's streaming parser:
 * chosen fields (dotted paths into nested objects) to named attributes, or every top-level scalar
 * with a prefix. Numbers become Long or Double, objects maps, arrays lists.
 */
final class JsonFields {
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final int MAX_DEPTH = 64;

  private final String[][] paths;
  private final String[] targets;
  private final String prefix;

  /** {@code fields}: JSON path -> attribute; empty: every top-level scalar as {@code prefix + name}. */
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
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new BadJson(t == null ? "empty body, expected a JSON object" : "expected a JSON object, got " + describe(t));
      }
      doc = readObject(p, 1);
      if (p.nextToken() != null) throw new BadJson("unexpected data after the JSON object");
    } catch (IOException e) {
      throw new BadJson("invalid JSON: " + firstLine(e.getMessage()));
    }
    Attributes out = new Attributes(paths.length == 0 ? doc.size() : paths.length);
    if (paths.length == 0) {
      for (int i = 0; i < doc.size(); i++) {
        Object v = doc.value(i);
        if (v != null && !(v instanceof Attributes) && !(v instanceof List<?>)) out.put(prefix + doc.key(i), v);
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

  private static Attributes readObject(JsonParser p, int depth) throws IOException, BadJson {
    if (depth > MAX_DEPTH) throw new BadJson("JSON nested deeper than " + MAX_DEPTH);
    Attributes m = new Attributes();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      m.put(name, readValue(p, p.nextToken(), depth));
    }
    return m;
  }

  private static Object readValue(JsonParser p, JsonToken t, int depth) throws IOException, BadJson {
    switch (t) {
      case START_OBJECT:
        return readObject(p, depth + 1);
      case START_ARRAY: {
        if (depth + 1 > MAX_DEPTH) throw new BadJson("JSON nested deeper than " + MAX_DEPTH);
        List<Object> list = new ArrayList<>();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) list.add(readValue(p, n, depth + 1));
        return list;
      }
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
      default:
        throw new BadJson("unexpected " + describe(t));
    }
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The answer was not a usable JSON object. */
  static final class BadJson extends Exception {
    BadJson(String message) {
      super(message, null, false, false);
    }
  }
}
