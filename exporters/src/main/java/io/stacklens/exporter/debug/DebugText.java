package io.stacklens.exporter.debug;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.otlp.OtlpLogs;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Rendering shared by the debug formatters: times, severities, ids, and values with their kind. */
final class DebugText {
  private static final String[] SEVERITY_NAMES = {
    "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"
  };
  private static final HexFormat HEX = HexFormat.of();

  private DebugText() {}

  /** RFC 3339 UTC, or {@code -} for 0 (unset). */
  static String time(long unixNanos) {
    if (unixNanos == 0) return "-";
    return Instant.ofEpochSecond(
            Long.divideUnsigned(unixNanos, 1_000_000_000L),
            Long.remainderUnsigned(unixNanos, 1_000_000_000L))
        .toString();
  }

  /**
   * The severity text, else the OTLP short name of the number ({@code INFO}, {@code WARN3}), else
   * {@code -}.
   */
  static String severity(String text, int number) {
    if (!text.isEmpty()) return text;
    if (number < 1 || number > 24) return "-";
    int step = (number - 1) % 4;
    return SEVERITY_NAMES[(number - 1) / 4] + (step == 0 ? "" : Integer.toString(step + 1));
  }

  static String hex(byte[] id) {
    return id == null ? "" : HEX.formatHex(id);
  }

  /** {@code {key=value, ...}} with values as in {@link AnyValues#toDisplayString}. */
  static String inline(Attributes attributes) {
    return attributes.toString();
  }

  static String inline(List<KeyValue> attributes) {
    return OtlpLogs.attributes(attributes).toString();
  }

  /**
   * A value with its kind: {@code Str(text)}, {@code Int(3)}, {@code Map({k=Str(v)})}, {@code
   * Empty()}.
   */
  static String typed(Object value) {
    StringBuilder sb = new StringBuilder();
    typed(value, sb);
    return sb.toString();
  }

  private static void typed(Object value, StringBuilder sb) {
    if (value == null) {
      sb.append("Empty()");
    } else if (value instanceof String s) {
      sb.append("Str(").append(s).append(')');
    } else if (value instanceof Long || value instanceof Integer) {
      sb.append("Int(").append(value).append(')');
    } else if (value instanceof Double || value instanceof Float) {
      sb.append("Double(").append(value).append(')');
    } else if (value instanceof Boolean b) {
      sb.append("Bool(").append(b).append(')');
    } else if (value instanceof byte[] bytes) {
      sb.append("Bytes(").append(Base64.getEncoder().encodeToString(bytes)).append(')');
    } else if (value instanceof List<?> list) {
      sb.append("Slice([");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) sb.append(", ");
        typed(list.get(i), sb);
      }
      sb.append("])");
    } else if (value instanceof Attributes kv) {
      sb.append("Map({");
      for (int i = 0; i < kv.size(); i++) {
        if (i > 0) sb.append(", ");
        sb.append(kv.key(i)).append('=');
        typed(kv.value(i), sb);
      }
      sb.append("})");
    } else {
      sb.append(value.getClass().getSimpleName()).append('(').append(value).append(')');
    }
  }

  /**
   * Appends {@code <indent><title>:} and one {@code -> key: Typed(value)} line per attribute;
   * nothing when empty.
   */
  static void block(String indent, String title, Attributes attributes, StringBuilder sb) {
    if (attributes.isEmpty()) return;
    sb.append(indent).append(title).append(":\n");
    for (int i = 0; i < attributes.size(); i++) {
      sb.append(indent).append("  -> ").append(attributes.key(i)).append(": ");
      typed(attributes.value(i), sb);
      sb.append('\n');
    }
  }

  static void block(String indent, String title, List<KeyValue> attributes, StringBuilder sb) {
    block(indent, title, OtlpLogs.attributes(attributes), sb);
  }

  /** Appends {@code <indent><name>: <value>} and a newline. */
  static void field(String indent, String name, Object value, StringBuilder sb) {
    sb.append(indent).append(name).append(": ").append(value).append('\n');
  }
}
