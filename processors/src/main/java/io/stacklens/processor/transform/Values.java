package io.stacklens.processor.transform;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.expr.FieldPath;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Value conversions for {@code convert} and typed {@code set} literals. */
final class Values {
  private Values() {}

  /**
   * Converts {@code v} to {@code type}, or throws IllegalArgumentException saying why not.
   *
   * <ul>
   *   <li>string: numbers and booleans as written in JSON, bytes as lower-case hex; maps and arrays
   *       fail.
   *   <li>int: integer text (surrounding spaces ignored), decimals truncated toward zero (3.9 -> 3,
   *       also from text "3.9"), true/false -> 1/0; out of the 64-bit range fails.
   *   <li>double: decimal text (digits, sign, '.', exponent), ints, true/false -> 1.0/0.0.
   *   <li>bool: text true/false, yes/no, on/off, 1/0 (any case), numbers: 0 -> false, others ->
   *       true.
   * </ul>
   */
  static Object convert(Object v, ActionConfig.ValueType type) {
    if (v instanceof Attributes || v instanceof List<?>) {
      throw new IllegalArgumentException(
          "cannot convert a " + FieldPath.kind(v) + " to " + name(type));
    }
    return switch (type) {
      case STRING -> toText(v);
      case INT -> toInt(v);
      case DOUBLE -> toDouble(v);
      case BOOL -> toBool(v);
    };
  }

  private static String toText(Object v) {
    if (v instanceof String s) return s;
    if (v instanceof byte[] b) return HexFormat.of().formatHex(b);
    return String.valueOf(v);
  }

  private static Long toInt(Object v) {
    if (v instanceof Long l) return l;
    if (v instanceof Integer i) return (long) i;
    if (v instanceof Boolean b) return b ? 1L : 0L;
    if (v instanceof Double d) return truncate(d, v);
    if (v instanceof String s) {
      String t = s.trim();
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        if (looksDecimal(t)) return truncate(Double.parseDouble(t), v);
        throw new IllegalArgumentException("'" + s + "' is not an integer");
      }
    }
    throw new IllegalArgumentException("cannot convert a " + FieldPath.kind(v) + " to int");
  }

  private static Long truncate(double d, Object original) {
    if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
      throw new IllegalArgumentException("'" + original + "' is out of the integer range");
    }
    return (long) d;
  }

  private static Double toDouble(Object v) {
    if (v instanceof Double d) return d;
    if (v instanceof Long l) return (double) l;
    if (v instanceof Integer i) return (double) i;
    if (v instanceof Boolean b) return b ? 1.0 : 0.0;
    if (v instanceof String s) {
      String t = s.trim();
      if (looksDecimal(t)) return Double.parseDouble(t);
      throw new IllegalArgumentException("'" + s + "' is not a number");
    }
    throw new IllegalArgumentException("cannot convert a " + FieldPath.kind(v) + " to double");
  }

  private static Boolean toBool(Object v) {
    if (v instanceof Boolean b) return b;
    if (v instanceof Long l) return l != 0;
    if (v instanceof Integer i) return i != 0;
    if (v instanceof Double d) return d != 0;
    if (v instanceof String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1":
          return true;
        case "false", "no", "off", "0":
          return false;
        default:
          throw new IllegalArgumentException(
              "'" + s + "' is not a boolean (true/false, yes/no, on/off, 1/0)");
      }
    }
    throw new IllegalArgumentException("cannot convert a " + FieldPath.kind(v) + " to bool");
  }

  /**
   * Digits with an optional sign, one '.', and an exponent: what Double.parseDouble reads, without
   * its extras.
   */
  static boolean looksDecimal(String t) {
    int i = 0;
    int n = t.length();
    if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) i++;
    int digits = 0;
    while (i < n && Character.isDigit(t.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && t.charAt(i) == '.') {
      i++;
      while (i < n && Character.isDigit(t.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) return false;
    if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
      i++;
      if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) i++;
      int exp = 0;
      while (i < n && Character.isDigit(t.charAt(i))) {
        i++;
        exp++;
      }
      if (exp == 0) return false;
    }
    return i == n;
  }

  static String name(ActionConfig.ValueType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }
}
