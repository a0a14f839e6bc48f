package io.stacklens.agent.expr;

import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.Resource;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A field of a log record, written the same way in conditions and in processor settings:
 *
 * <pre>
 *   body                      body["key"]["nested"]        (keys only when the body is a map)
 *   attributes["http.status_code"]                         attributes["a"]["b"] (into map values)
 *   resource.attributes["service.name"]                    scope.attributes["k"]
 *   scope.name  scope.version  severity_number  severity_text  trace_id  span_id
 *   time  observed_time  flags  event_name
 *   user_id   parse.error   http.status_code             (any other name: shorthand for attributes["..."])
 * </pre>
 *
 * Values read are the {@link Attributes} value kinds: String, Long, Double, Boolean, byte[], List,
 * Attributes, or null when absent. Integer fields read as Long; ids read as lower-case hex; a zero
 * time or an empty string field reads as absent (null). Writing to resource or scope fields changes
 * them for every record sharing that resource or scope.
 */
public final class FieldPath {
  /** What a path starts at. */
  public enum Root {
    BODY,
    ATTRIBUTES,
    RESOURCE_ATTRIBUTES,
    SCOPE_ATTRIBUTES,
    SCOPE_NAME,
    SCOPE_VERSION,
    SEVERITY_NUMBER,
    SEVERITY_TEXT,
    TRACE_ID,
    SPAN_ID,
    TIME,
    OBSERVED_TIME,
    FLAGS,
    EVENT_NAME
  }

  /** The kind of value a path can hold, known when it is compiled. */
  public enum Type {
    STRING,
    INT,
    ANY
  }

  /** Names that start a path; any other identifier is an attribute name. */
  public static final List<String> RESERVED =
      List.of(
          "body",
          "attributes",
          "resource",
          "scope",
          "severity_number",
          "severity_text",
          "trace_id",
          "span_id",
          "time",
          "observed_time",
          "flags",
          "event_name");

  static final String[] NO_KEYS = new String[0];

  private final Root root;
  private final String[] keys;
  private final String text;

  FieldPath(Root root, String[] keys) {
    this.root = root;
    this.keys = keys;
    this.text = render(root, keys);
  }

  /** The path for attribute {@code key}. */
  public static FieldPath attribute(String key) {
    return new FieldPath(Root.ATTRIBUTES, new String[] {key});
  }

  public static FieldPath of(Root root, String... keys) {
    return new FieldPath(root, keys.clone());
  }

  /** Parses a whole path, e.g. a processor setting. */
  public static FieldPath parse(String text) throws ExpressionException {
    if (text == null || text.isBlank())
      throw new ExpressionException("a field is required", String.valueOf(text), 1);
    Parsed p = parse(text, 0);
    int end = skipSpaces(text, p.end());
    if (end != text.length()) {
      throw new ExpressionException(
          "unexpected '" + text.substring(end) + "' after the field " + p.path(), text, end + 1);
    }
    return p.path();
  }

  /** A path parsed from {@code text} at {@code start}, and the index just after it. */
  public record Parsed(FieldPath path, int end) {}

  /** Parses the path that starts at {@code start} of a larger expression. */
  public static Parsed parse(String text, int start) throws ExpressionException {
    return FieldPathParser.parse(text, start);
  }

  public Root root() {
    return root;
  }

  /** Map keys after the root ({@code attributes["a"]["b"]} has keys a, b). */
  public List<String> keys() {
    return List.of(keys);
  }

  public Type type() {
    return switch (root) {
      case SEVERITY_NUMBER, TIME, OBSERVED_TIME, FLAGS -> Type.INT;
      case SEVERITY_TEXT, TRACE_ID, SPAN_ID, SCOPE_NAME, SCOPE_VERSION, EVENT_NAME -> Type.STRING;
      default -> Type.ANY;
    };
  }

  /** The value at this path, or null when absent. */
  public Object get(LogContext ctx) {
    LogRecord r = ctx.record();
    switch (root) {
      case BODY:
        return descend(r.body(), 0);
      case ATTRIBUTES:
        return descend(r.attributes(), 0);
      case RESOURCE_ATTRIBUTES:
        return descend(resourceAttributes(ctx, false), 0);
      case SCOPE_ATTRIBUTES:
        return descend(ctx.scope() == null ? null : ctx.scope().scope().attributes(), 0);
      case SCOPE_NAME:
        return emptyToNull(ctx.scope() == null ? null : ctx.scope().scope().name());
      case SCOPE_VERSION:
        return emptyToNull(ctx.scope() == null ? null : ctx.scope().scope().version());
      case SEVERITY_NUMBER:
        return (long) r.severityNumber();
      case SEVERITY_TEXT:
        return emptyToNull(r.severityText());
      case TRACE_ID:
        return hex(r.traceId());
      case SPAN_ID:
        return hex(r.spanId());
      case TIME:
        return r.timeUnixNano() == 0 ? null : r.timeUnixNano();
      case OBSERVED_TIME:
        return r.observedTimeUnixNano() == 0 ? null : r.observedTimeUnixNano();
      case FLAGS:
        return (long) r.flags();
      case EVENT_NAME:
        return emptyToNull(r.eventName());
      default:
        throw new AssertionError(root);
    }
  }

  /**
   * Stores {@code value} at this path, creating maps on the way for keyed paths. Throws
   * IllegalArgumentException, with a message naming the field, when the value does not fit (a
   * severity out of 0..24, a key into a string body, a malformed trace id).
   */
  public void set(LogContext ctx, Object value) {
    LogRecord r = ctx.record();
    switch (root) {
      case BODY -> {
        if (keys.length == 0) r.setBody(value);
        else {
          if (r.body() == null) r.setBody(new Attributes());
          if (!(r.body() instanceof Attributes body)) {
            throw new IllegalArgumentException(
                "cannot set " + text + ": the body is a " + kind(r.body()) + ", not a map");
          }
          putInto(body, 0, value);
        }
      }
      case ATTRIBUTES -> setInMap(r.attributes(), value);
      case RESOURCE_ATTRIBUTES -> setInMap(resourceAttributes(ctx, true), value);
      case SCOPE_ATTRIBUTES -> setInMap(ctx.scope().scope().attributes(), value);
      case SCOPE_NAME -> ctx.scope().scope().setName(string(value));
      case SCOPE_VERSION -> ctx.scope().scope().setVersion(string(value));
      case SEVERITY_NUMBER -> {
        long n = integer(value);
        if (n < 0 || n > LogRecord.SEVERITY_MAX) {
          throw new IllegalArgumentException(
              text + " must be 0.." + LogRecord.SEVERITY_MAX + ", got " + n);
        }
        r.setSeverityNumber((int) n);
      }
      case SEVERITY_TEXT -> r.setSeverityText(string(value));
      case TRACE_ID -> r.setTraceId(id(value, 16));
      case SPAN_ID -> r.setSpanId(id(value, 8));
      case TIME -> r.setTimeUnixNano(integer(value));
      case OBSERVED_TIME -> r.setObservedTimeUnixNano(integer(value));
      case FLAGS -> r.setFlags((int) integer(value));
      case EVENT_NAME -> r.setEventName(string(value));
      default -> throw new AssertionError(root);
    }
  }

  /**
   * Moves the value at this path to {@code to}; false when there is none. When {@code to} cannot
   * take it (the exception of {@link #set} is rethrown), the value is put back where it was.
   */
  public boolean moveTo(LogContext ctx, FieldPath to) {
    Object value = remove(ctx);
    if (value == null) return false;
    try {
      to.set(ctx, value);
      return true;
    } catch (RuntimeException e) {
      set(ctx, value);
      throw e;
    }
  }

  /** Removes the value at this path and returns what was there (null when absent). */
  public Object remove(LogContext ctx) {
    Object old = get(ctx);
    if (old == null) return null;
    if (keys.length == 0 && old instanceof Attributes whole)
      old = whole.copy(); // the map itself is cleared below
    LogRecord r = ctx.record();
    switch (root) {
      case BODY -> {
        if (keys.length == 0) r.setBody(null);
        else removeFrom(r.body());
      }
      case ATTRIBUTES -> removeFrom(r.attributes());
      case RESOURCE_ATTRIBUTES -> removeFrom(resourceAttributes(ctx, false));
      case SCOPE_ATTRIBUTES -> removeFrom(ctx.scope().scope().attributes());
      case SCOPE_NAME -> ctx.scope().scope().setName("");
      case SCOPE_VERSION -> ctx.scope().scope().setVersion("");
      case SEVERITY_NUMBER -> r.setSeverityNumber(0);
      case SEVERITY_TEXT -> r.setSeverityText("");
      case TRACE_ID -> r.setTraceId(new byte[0]);
      case SPAN_ID -> r.setSpanId(new byte[0]);
      case TIME -> r.setTimeUnixNano(0);
      case OBSERVED_TIME -> r.setObservedTimeUnixNano(0);
      case FLAGS -> r.setFlags(0);
      case EVENT_NAME -> r.setEventName("");
      default -> throw new AssertionError(root);
    }
    return old;
  }

  /**
   * The canonical text: {@code attributes["user_id"]}, {@code resource.attributes["service.name"]}.
   */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldPath p && p.root == root && Arrays.equals(p.keys, keys);
  }

  @Override
  public int hashCode() {
    return root.hashCode() * 31 + Arrays.hashCode(keys);
  }

  // ---- helpers

  private Object descend(Object value, int from) {
    Object v = value;
    for (int i = from; i < keys.length; i++) {
      if (!(v instanceof Attributes m)) return null;
      v = m.get(keys[i]);
    }
    return v;
  }

  private void setInMap(Attributes map, Object value) {
    if (keys.length == 0) {
      if (!(value instanceof Attributes replacement)) {
        throw new IllegalArgumentException(
            "cannot set " + text + " to a " + kind(value) + ": it needs a map");
      }
      map.clear();
      replacement.forEach(map::put);
      return;
    }
    putInto(map, 0, value);
  }

  private void putInto(Attributes map, int from, Object value) {
    Attributes m = map;
    for (int i = from; i < keys.length - 1; i++) {
      Object next = m.get(keys[i]);
      if (next == null) {
        Attributes created = new Attributes();
        m.put(keys[i], created);
        m = created;
      } else if (next instanceof Attributes a) {
        m = a;
      } else {
        throw new IllegalArgumentException(
            "cannot set " + text + ": \"" + keys[i] + "\" holds a " + kind(next) + ", not a map");
      }
    }
    m.put(keys[keys.length - 1], value);
  }

  private void removeFrom(Object root) {
    if (keys.length == 0) { // the whole map: attributes, resource.attributes, scope.attributes
      if (root instanceof Attributes m) m.clear();
      return;
    }
    Object parent = root;
    for (int i = 0; i < keys.length - 1; i++) {
      if (!(parent instanceof Attributes m)) return;
      parent = m.get(keys[i]);
    }
    if (parent instanceof Attributes m) m.remove(keys[keys.length - 1]);
  }

  private static Attributes resourceAttributes(LogContext ctx, boolean create) {
    if (ctx.resource() == null) return create ? new Attributes() : null;
    Resource res = ctx.resource().resource();
    return res == null ? null : res.attributes();
  }

  private static Object emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String hex(byte[] id) {
    return id == null || id.length == 0 ? null : HexFormat.of().formatHex(id);
  }

  private String string(Object value) {
    if (value == null) return "";
    if (value instanceof Attributes || value instanceof List<?>) {
      throw new IllegalArgumentException(text + " needs a string, got a " + kind(value));
    }
    return value instanceof String s ? s : AnyValues.toDisplayString(value);
  }

  private long integer(Object value) {
    if (value instanceof Long l) return l;
    if (value instanceof Integer i) return i;
    if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d))
      return d.longValue();
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(
        text + " needs an integer, got " + kind(value) + " " + AnyValues.toDisplayString(value));
  }

  private byte[] id(Object value, int bytes) {
    if (value instanceof byte[] b && b.length == bytes) return b;
    if (value instanceof String s && s.length() == bytes * 2) {
      try {
        return HexFormat.of().parseHex(s);
      } catch (IllegalArgumentException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException(
        text + " needs " + bytes * 2 + " hex digits, got " + AnyValues.toDisplayString(value));
  }

  /**
   * A short name for a value's kind, for messages: string, int, double, bool, bytes, array, map,
   * empty.
   */
  public static String kind(Object v) {
    if (v == null) return "empty value";
    if (v instanceof String) return "string";
    if (v instanceof Long || v instanceof Integer) return "int";
    if (v instanceof Double) return "double";
    if (v instanceof Boolean) return "bool";
    if (v instanceof byte[]) return "bytes";
    if (v instanceof List<?>) return "array";
    if (v instanceof Attributes) return "map";
    return v.getClass().getSimpleName();
  }

  private static String render(Root root, String[] keys) {
    String base =
        switch (root) {
          case BODY -> "body";
          case ATTRIBUTES -> "attributes";
          case RESOURCE_ATTRIBUTES -> "resource.attributes";
          case SCOPE_ATTRIBUTES -> "scope.attributes";
          case SCOPE_NAME -> "scope.name";
          case SCOPE_VERSION -> "scope.version";
          default -> root.name().toLowerCase(java.util.Locale.ROOT);
        };
    StringBuilder sb = new StringBuilder(base);
    for (String k : keys)
      sb.append("[\"").append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"]");
    return sb.toString();
  }

  static int skipSpaces(String s, int i) {
    return FieldPathParser.skipSpaces(s, i);
  }

  static boolean isIdentStart(char c) {
    return FieldPathParser.isIdentStart(c);
  }

  static boolean isIdentPart(char c) {
    return FieldPathParser.isIdentPart(c);
  }
}
