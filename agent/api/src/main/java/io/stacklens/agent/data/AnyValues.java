package io.stacklens.agent.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Helpers for OTLP {@code AnyValue}s held as plain objects (see {@link Attributes}). */
public final class AnyValues {
  private AnyValues() {}

  /** Deep copy of a value: lists and kvlists are copied; immutable scalars are shared. */
  @SuppressWarnings("unchecked")
  public static Object deepCopy(Object value) {
    if (value instanceof Attributes a) return a.copy();
    if (value instanceof List<?> list) {
      List<Object> c = new ArrayList<>(list.size());
      for (Object o : list) c.add(deepCopy(o));
      return c;
    }
    return value;
  }

  /**
   * Value equality of two AnyValue objects: byte arrays by content, lists element by element
   * (recursively), everything else (including {@link Attributes}, in order) by {@code equals}; two
   * nulls are equal.
   */
  public static boolean equal(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.equals(x, y);
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) return false;
      }
      return true;
    }
    return java.util.Objects.equals(a, b);
  }

  /** Human-readable rendering for debug output and messages (not a wire format). */
  public static String toDisplayString(Object value) {
    if (value == null) return "<empty>";
    if (value instanceof byte[] bytes) return "0x" + HexFormat.of().formatHex(bytes);
    if (value instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) sb.append(", ");
        sb.append(toDisplayString(list.get(i)));
      }
      return sb.append(']').toString();
    }
    return value.toString();
  }
}
