package io.stacklens.processor.enrich;

import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.data.Attributes;
import java.util.List;

/**
 * What one key lookup gave: attributes to add (found), nothing (not found: not an error), or an
 * error with its reason. Immutable; found values are shared by every record with the key and copied
 * only when they are lists or maps.
 */
final class Outcome {
  enum Kind {
    FOUND,
    NOT_FOUND,
    ERROR
  }

  static final Outcome NOT_FOUND = new Outcome(Kind.NOT_FOUND, null, null, null, null);

  final Kind kind;
  private final String[] keys;
  private final Object[] values;

  /** For errors: the text after "name: " in enrichment.errors, e.g. "timeout after 200ms". */
  final String reason;

  /** For errors: the metric label, e.g. timeout, circuit_open. */
  final String reasonLabel;

  private Outcome(Kind kind, String[] keys, Object[] values, String reason, String reasonLabel) {
    this.kind = kind;
    this.keys = keys;
    this.values = values;
    this.reason = reason;
    this.reasonLabel = reasonLabel;
  }

  /** Found with these attributes (taken over, not copied). An empty row still counts as found. */
  static Outcome found(Attributes attributes) {
    String[] k = new String[attributes.size()];
    Object[] v = new Object[attributes.size()];
    for (int i = 0; i < k.length; i++) {
      k[i] = attributes.key(i);
      v[i] = attributes.value(i);
    }
    return new Outcome(Kind.FOUND, k, v, null, null);
  }

  /** Not found for a reason other than "not_found" (a metric label, e.g. private_address). */
  static Outcome notFound(String reasonLabel) {
    return new Outcome(Kind.NOT_FOUND, null, null, null, reasonLabel);
  }

  static Outcome error(String reasonLabel, String reason) {
    return new Outcome(Kind.ERROR, null, null, reason, reasonLabel);
  }

  boolean isFound() {
    return kind == Kind.FOUND;
  }

  boolean isError() {
    return kind == Kind.ERROR;
  }

  int size() {
    return keys == null ? 0 : keys.length;
  }

  String key(int i) {
    return keys[i];
  }

  Object value(int i) {
    return values[i];
  }

  /** Puts the found attributes into {@code target}. */
  void applyTo(Attributes target) {
    if (keys == null) return;
    for (int i = 0; i < keys.length; i++) {
      Object v = values[i];
      target.put(
          keys[i], v instanceof List<?> || v instanceof Attributes ? AnyValues.deepCopy(v) : v);
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case FOUND -> "found" + java.util.Arrays.toString(keys);
      case NOT_FOUND -> "not found";
      case ERROR -> "error: " + reason;
    };
  }
}
