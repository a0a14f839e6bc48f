package io.stacklens.agent.telemetry;

import java.util.Arrays;

/** Ordered metric label pairs {@code k1, v1, k2, v2}. Value object, used as a map key. */
public final class Labels {
  static final Labels EMPTY = new Labels(new String[0]);
  private final String[] pairs;
  private final int hash;

  private Labels(String[] pairs) {
    this.pairs = pairs;
    this.hash = Arrays.hashCode(pairs);
  }

  public static Labels of(String... pairs) {
    if (pairs.length % 2 != 0)
      throw new IllegalArgumentException(
          "label key/value pairs expected: " + Arrays.toString(pairs));
    for (int i = 0; i < pairs.length; i++) {
      if (pairs[i] == null)
        throw new IllegalArgumentException("null label " + (i % 2 == 0 ? "key" : "value"));
    }
    return pairs.length == 0 ? EMPTY : new Labels(pairs.clone());
  }

  public int size() {
    return pairs.length / 2;
  }

  public String key(int i) {
    return pairs[2 * i];
  }

  public String value(int i) {
    return pairs[2 * i + 1];
  }

  /** The value of {@code key}, or null. */
  public String get(String key) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(key)) return pairs[i + 1];
    }
    return null;
  }

  /** A copy with one more pair. */
  public Labels with(String key, String value) {
    String[] p = Arrays.copyOf(pairs, pairs.length + 2);
    p[pairs.length] = key;
    p[pairs.length + 1] = value;
    return new Labels(p);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels l && hash == l.hash && Arrays.equals(pairs, l.pairs);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Prometheus rendering: {@code {k1="v1",k2="v2"}}, or empty. */
  String toPrometheus() {
    if (pairs.length == 0) return "";
    StringBuilder sb = new StringBuilder("{");
    appendPrometheus(sb);
    return sb.append('}').toString();
  }

  void appendPrometheus(StringBuilder sb) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) sb.append(',');
      sb.append(pairs[i]).append("=\"");
      String v = pairs[i + 1];
      for (int j = 0; j < v.length(); j++) {
        char c = v.charAt(j);
        switch (c) {
          case '\\' -> sb.append("\\\\");
          case '"' -> sb.append("\\\"");
          case '\n' -> sb.append("\\n");
          default -> sb.append(c);
        }
      }
      sb.append('"');
    }
  }

  @Override
  public String toString() {
    return toPrometheus();
  }
}
