package io.stacklens.exporter.kafka;

import io.stacklens.agent.data.Attributes;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A record attribute or a resource attribute named in the exporter's config, read as a string:
 * {@code attributes["tenant"]}, {@code resource.attributes["service.name"]}, or a bare {@code
 * tenant} (a record attribute). For spans and metrics (whose records carry no model attributes
 * here) both forms read the resource's attributes.
 */
record FieldRef(boolean resource, String key) {
  private static final Pattern FORM = Pattern.compile("(resource\\.)?attributes\\[\"([^\"]+)\"]");

  /** Parses a reference, or returns null when {@code text} is none of the accepted forms. */
  static FieldRef parse(String text) {
    if (text == null) return null;
    String t = text.strip();
    Matcher m = FORM.matcher(t);
    if (m.matches()) return new FieldRef(m.group(1) != null, m.group(2));
    if (t.isEmpty() || t.contains("[") || t.contains("\"") || t.contains("]")) return null;
    return new FieldRef(false, t);
  }

  /** The value as a string, or null when absent (or null-valued). */
  String read(Attributes recordAttributes, Attributes resourceAttributes) {
    Attributes from = resource || recordAttributes == null ? resourceAttributes : recordAttributes;
    return from == null ? null : asString(from.get(key));
  }

  /** Reads from OTLP protobuf key-values (resource attributes of spans and metrics). */
  static String read(List<io.opentelemetry.proto.common.v1.KeyValue> attributes, String key) {
    for (io.opentelemetry.proto.common.v1.KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        var v = kv.getValue();
        return switch (v.getValueCase()) {
          case STRING_VALUE -> v.getStringValue();
          case INT_VALUE -> Long.toString(v.getIntValue());
          case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
          case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
          default -> null;
        };
      }
    }
    return null;
  }

  static String asString(Object v) {
    if (v == null) return null;
    if (v instanceof String s) return s;
    if (v instanceof Long || v instanceof Double || v instanceof Boolean) return v.toString();
    return null; // bytes, arrays and maps name no topic, key or header
  }

  @Override
  public String toString() {
    return (resource ? "resource.attributes[\"" : "attributes[\"") + key + "\"]";
  }
}
