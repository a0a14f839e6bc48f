package io.stacklens.agent.expr;

import io.stacklens.agent.data.AnyValues;

/** How conditions compare values: numbers by value across int and double, strings by code point. */
final class Values {
  /**
   * Returned by {@link #compare} when the two values have no order (different kinds, bools,
   * absent).
   */
  static final int INCOMPARABLE = Integer.MIN_VALUE;

  private Values() {}

  static boolean equal(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) return x.longValue() == y.longValue();
    if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
    return AnyValues.equal(a, b);
  }

  static int compare(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) return Long.compare(x, y);
    if (a instanceof Number x && b instanceof Number y) {
      double dx = x.doubleValue();
      double dy = y.doubleValue();
      if (Double.isNaN(dx) || Double.isNaN(dy)) return INCOMPARABLE;
      return Double.compare(dx, dy);
    }
    if (a instanceof String x && b instanceof String y) {
      int c = x.compareTo(y);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return INCOMPARABLE;
  }

  /**
   * The text a string operator ({@code matches}, {@code starts_with}...) sees: strings, and scalars
   * as text.
   */
  static String text(Object v) {
    if (v instanceof String s) return s;
    if (v instanceof Long || v instanceof Double || v instanceof Boolean) return v.toString();
    return null;
  }
}
