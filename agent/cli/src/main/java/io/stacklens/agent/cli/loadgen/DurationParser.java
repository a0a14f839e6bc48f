package io.stacklens.agent.cli.loadgen;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as people write them on a command line: {@code 500ms}, {@code 60s}, {@code 5m},
 * {@code 1h}, {@code 1m30s}, a bare number of seconds ({@code 60}), or ISO-8601 ({@code PT60S}).
 */
public final class DurationParser {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private DurationParser() {}

  /** The duration of {@code text}; {@link IllegalArgumentException} says what is accepted. */
  public static Duration parse(String text) {
    String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (value.matches("\\d+(\\.\\d+)?")) {
      return seconds(Double.parseDouble(value));
    }
    if (value.startsWith("pt")) {
      try {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    Matcher part = PART.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    while (part.find() && part.start() == end) {
      double amount = Double.parseDouble(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "ms" -> Duration.ofNanos(Math.round(amount * 1e6));
                case "s" -> seconds(amount);
                case "m" -> seconds(amount * 60);
                default -> seconds(amount * 3600);
              });
      end = part.end();
    }
    if (end == 0 || end != value.length()) {
      throw invalid(text);
    }
    return total;
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not a duration: use e.g. 500ms, 60s, 5m, 1h, 1m30s or PT60S");
  }
}
