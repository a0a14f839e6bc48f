package io.stacklens.receiver.json;

import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.receiver.json.JsonMappingConfig.TimestampFormat;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Reads a timestamp value in one {@link TimestampFormat} as Unix nanoseconds. */
final class TimestampReader {
  /** A value that is no time in the format; the message says what was expected. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private static final BigDecimal SECOND = BigDecimal.valueOf(1_000_000_000L);
  private static final BigDecimal MILLI = BigDecimal.valueOf(1_000_000L);
  private static final BigDecimal MICRO = BigDecimal.valueOf(1_000L);

  private TimestampReader() {}

  static long read(Object value, TimestampFormat format) throws Invalid {
    return switch (format) {
      case ISO8601 -> iso(value);
      case EPOCH_S -> epoch(number(value, format), SECOND, format);
      case EPOCH_MS -> epoch(number(value, format), MILLI, format);
      case EPOCH_US -> epoch(number(value, format), MICRO, format);
      case EPOCH_NS -> epoch(number(value, format), BigDecimal.ONE, format);
      case AUTO -> auto(value);
    };
  }

  /**
   * Numbers by magnitude (below 1e11 seconds, 1e14 ms, 1e17 us, else ns: each up to the year 5138);
   * other strings as ISO 8601.
   */
  private static long auto(Object value) throws Invalid {
    BigDecimal n =
        value instanceof String s ? numeric(s) : value instanceof Number ? decimal(value) : null;
    if (n == null) {
      if (value instanceof String) return iso(value);
      throw new Invalid(
          "must be a number (epoch seconds, ms, us or ns) or an ISO 8601 string, got "
              + JsonValueReader.describe(value));
    }
    BigDecimal abs = n.abs();
    if (abs.compareTo(BigDecimal.valueOf(1e11)) < 0) return epoch(n, SECOND, TimestampFormat.AUTO);
    if (abs.compareTo(BigDecimal.valueOf(1e14)) < 0) return epoch(n, MILLI, TimestampFormat.AUTO);
    if (abs.compareTo(BigDecimal.valueOf(1e17)) < 0) return epoch(n, MICRO, TimestampFormat.AUTO);
    return epoch(n, BigDecimal.ONE, TimestampFormat.AUTO);
  }

  private static BigDecimal number(Object value, TimestampFormat format) throws Invalid {
    BigDecimal n =
        value instanceof String s ? numeric(s) : value instanceof Number ? decimal(value) : null;
    if (n == null) {
      throw new Invalid("must be a number in " + name(format) + ", got " + shown(value));
    }
    return n;
  }

  private static BigDecimal decimal(Object number) throws Invalid {
    if (number instanceof Long l) return BigDecimal.valueOf(l);
    double d = ((Number) number).doubleValue();
    if (!Double.isFinite(d)) throw new Invalid("must be a finite number, got " + d);
    return BigDecimal.valueOf(d);
  }

  /** Digits with an optional fraction, or null when the text is not such a number. */
  private static BigDecimal numeric(String s) {
    String t = s.trim();
    if (t.isEmpty()) return null;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && !(i == 0 && c == '-')) return null;
    }
    try {
      return new BigDecimal(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static long epoch(BigDecimal n, BigDecimal unitNanos, TimestampFormat format)
      throws Invalid {
    if (n.signum() < 0)
      throw new Invalid("must not be before 1970-01-01T00:00:00Z, got " + n.toPlainString());
    try {
      return n.multiply(unitNanos).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    } catch (ArithmeticException e) {
      throw new Invalid(
          n.toPlainString() + " is out of range for " + name(format) + " (after the year 2262)");
    }
  }

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  /**
   * ISO 8601 / RFC 3339: with an offset ({@code Z}, {@code +02:00}), or without one as UTC; a space
   * may replace the {@code T}.
   */
  private static long iso(Object value) throws Invalid {
    if (!(value instanceof String s)) {
      throw new Invalid(
          "must be an ISO 8601 string such as 2026-11-23T19:50:41.123Z, got "
              + JsonValueReader.describe(value));
    }
    String t = s.trim();
    if (t.length() > 10 && t.charAt(10) == ' ') t = t.substring(0, 10) + 'T' + t.substring(11);
    Instant instant;
    try {
      instant = OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeException withOffset) {
      try {
        instant = LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC);
      } catch (DateTimeException local) {
        throw new Invalid(
            shown(value) + " is not an ISO 8601 time such as 2026-11-23T19:50:41.123Z");
      }
    }
    if (instant.isBefore(Instant.EPOCH))
      throw new Invalid(shown(value) + " is before 1970-01-01T00:00:00Z");
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      throw new Invalid(shown(value) + " is out of range (after the year 2262)");
    }
  }

  private static String name(TimestampFormat format) {
    return switch (format) {
      case EPOCH_S -> "epoch seconds";
      case EPOCH_MS -> "epoch milliseconds";
      case EPOCH_US -> "epoch microseconds";
      case EPOCH_NS -> "epoch nanoseconds";
      case ISO8601 -> "ISO 8601";
      case AUTO -> "epoch units";
    };
  }

  /** A value in a message: strings quoted and cut to 64 characters, others by type. */
  static String shown(Object value) {
    if (value instanceof String s) {
      String cut = s.length() > 64 ? s.substring(0, 61) + "..." : s;
      return "\"" + cut.replace("\n", "\\n") + "\"";
    }
    if (value instanceof Number || value instanceof Boolean) return value.toString();
    return JsonValueReader.describe(value);
  }
}
