package io.stacklens.agent.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the config: one or more number+unit parts, {@code 5s}, {@code 200ms},
 * {@code 1m30s}, {@code 1.5h}. Units: {@code h}, {@code m}, {@code s}, {@code ms}, {@code us} (or
 * {@code µs}), {@code ns}. A bare {@code 0} is zero; any other plain number is refused because its
 * unit would be a guess.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("\\G(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final Pattern PLAIN_NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException with a message saying what to write instead
   */
  public static Duration parse(String text) {
    String trimmed = text.trim();
    if (trimmed.equals("0")) {
      return Duration.ZERO;
    }
    if (PLAIN_NUMBER.matcher(trimmed).matches()) {
      throw new IllegalArgumentException(
          "expected a duration, got '"
              + text
              + "': add a unit, e.g. "
              + trimmed
              + "s or "
              + trimmed
              + "ms");
    }
    Matcher matcher = PART.matcher(trimmed);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (matcher.find()) {
      nanos =
          nanos.add(
              new BigDecimal(matcher.group(1))
                  .multiply(BigDecimal.valueOf(unitNanos(matcher.group(2)))));
      end = matcher.end();
    }
    if (end == 0 || end != trimmed.length()) {
      throw new IllegalArgumentException(
          "expected a duration such as 5s, 200ms, 1m30s or 1h, got '" + text + "'");
    }
    try {
      return Duration.ofNanos(nanos.longValueExact());
    } catch (ArithmeticException tooLarge) {
      throw new IllegalArgumentException("duration '" + text + "' is too large");
    }
  }

  /**
   * The shortest form {@link #parse} reads back: {@code 5s}, {@code 1m30s}, {@code 1s500ms}, {@code
   * 0s}.
   */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    Duration rest = duration;
    if (rest.isNegative()) {
      text.append('-');
      rest = rest.negated();
    }
    long hours = rest.toHours();
    long minutes = rest.toMinutesPart();
    long seconds = rest.toSecondsPart();
    int nanos = rest.toNanosPart();
    append(text, hours, "h");
    append(text, minutes, "m");
    append(text, seconds, "s");
    append(text, nanos / 1_000_000, "ms");
    append(text, nanos / 1_000 % 1_000, "us");
    append(text, nanos % 1_000, "ns");
    return text.toString();
  }

  /**
   * For messages about a written value: {@link #format}, or {@code nothing} when none was written.
   */
  public static String describe(Duration duration) {
    return duration == null ? "nothing" : format(duration);
  }

  private static void append(StringBuilder text, long amount, String unit) {
    if (amount != 0) {
      text.append(amount).append(unit);
    }
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalStateException("unit " + unit);
    };
  }
}
