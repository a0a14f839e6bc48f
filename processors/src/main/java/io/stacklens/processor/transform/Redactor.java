package io.stacklens.processor.transform;

import io.stacklens.agent.data.Attributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks every match of one regex in strings, and in the string values of maps and arrays
 * (recursively; keys are left alone). The replacement is literal text. One matcher is reused, so a
 * value without a match costs one scan and no allocation. Not thread-safe.
 */
final class Redactor {
  /** The patterns behind {@link ActionConfig.Preset}. */
  static String presetRegex(ActionConfig.Preset preset) {
    return switch (preset) {
      // 13 to 19 digits, optionally grouped by single spaces or dashes; a match must pass the Luhn
      // check.
      case CREDIT_CARD -> "(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])";
      // Starts only where a local part starts, and takes it possessively: linear in the text length
      // (the plain form backtracks quadratically over long runs of letters, such as a hex hash).
      case EMAIL ->
          "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}";
      case IPV4 ->
          "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\d.]*\\d)";
      case US_SSN -> "(?<!\\d)\\d{3}-\\d{2}-\\d{4}(?!\\d)";
      case JWT -> "\\beyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+";
    };
  }

  /** Text every match of a preset contains: strings without it are not scanned at all. */
  static String presetRequired(ActionConfig.Preset preset) {
    return switch (preset) {
      case CREDIT_CARD -> null;
      case EMAIL -> "@";
      case IPV4 -> ".";
      case US_SSN -> "-";
      case JWT -> "eyJ";
    };
  }

  private final Matcher matcher;
  private final String replacement;
  private final boolean luhn;
  private final String required;
  private final int minDigits;
  private long count;

  Redactor(Pattern pattern, String replacement, boolean luhn, String required, int minDigits) {
    this.matcher = pattern.matcher("");
    this.replacement = replacement;
    this.luhn = luhn;
    this.required = required;
    this.minDigits = minDigits;
  }

  /** Digits every match of a preset contains: strings with fewer are not scanned by the regex. */
  static int presetMinDigits(ActionConfig.Preset preset) {
    return switch (preset) {
      case CREDIT_CARD -> 13;
      case IPV4 -> 4;
      case US_SSN -> 9;
      case EMAIL, JWT -> 0;
    };
  }

  private boolean hasDigits(String s) {
    int need = minDigits;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9' && --need == 0) return true;
    }
    return false;
  }

  static Redactor of(ActionConfig a) {
    String regex = a.preset != null ? presetRegex(a.preset) : a.pattern;
    String replacement = a.replacement != null ? a.replacement : ActionConfig.DEFAULT_REPLACEMENT;
    return new Redactor(
        Pattern.compile(regex),
        replacement,
        a.preset == ActionConfig.Preset.CREDIT_CARD,
        a.preset == null ? null : presetRequired(a.preset),
        a.preset == null ? 0 : presetMinDigits(a.preset));
  }

  /** Matches replaced since the last call; resets the count. */
  long takeCount() {
    long c = count;
    count = 0;
    return c;
  }

  /**
   * The redacted value: the same instance when nothing matched (maps and lists are changed in
   * place).
   */
  Object redact(Object value) {
    if (value instanceof String s) return redactString(s);
    if (value instanceof Attributes map) {
      for (int i = 0; i < map.size(); i++) {
        Object v = map.value(i);
        Object r = redact(v);
        if (r != v) map.put(map.key(i), r);
      }
      return map;
    }
    if (value instanceof List<?> list) return redactList(list);
    return value;
  }

  @SuppressWarnings("unchecked")
  private Object redactList(List<?> list) {
    List<Object> target = (List<Object>) list;
    for (int i = 0; i < target.size(); i++) {
      Object v = target.get(i);
      Object r = redact(v);
      if (r != v) {
        try {
          target.set(i, r);
        } catch (UnsupportedOperationException e) {
          target =
              new ArrayList<>(target); // an immutable list: continue on a copy, which replaces it
          target.set(i, r);
        }
      }
    }
    return target;
  }

  String redactString(String s) {
    if (required != null && !s.contains(required)) return s;
    if (minDigits > 0 && !hasDigits(s)) return s;
    Matcher m = matcher.reset(s);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      int start = m.start();
      int end = m.end();
      if (luhn && !luhnValid(s, start, end)) continue;
      if (out == null) out = new StringBuilder(s.length());
      out.append(s, last, start).append(replacement);
      last = end;
      count++;
    }
    matcher.reset(""); // do not keep the last string reachable
    if (out == null) return s;
    return out.append(s, last, s.length()).toString();
  }

  /** The Luhn checksum over the digits of s[start, end). */
  static boolean luhnValid(CharSequence s, int start, int end) {
    int sum = 0;
    boolean doubleIt = false;
    for (int i = end - 1; i >= start; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') continue;
      int d = c - '0';
      if (doubleIt) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
  }
}
