package io.stacklens.processor.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.time.zone.ZoneRules;
import java.util.Locale;

/**
 * Reads a time in one layout as Unix nanoseconds. {@code iso8601} is parsed by hand (no allocation
 * when the value carries its offset or the zone is fixed); a custom layout goes through a {@link
 * DateTimeFormatter} built once.
 */
final class TimestampParse {
  private enum Kind {
    ISO8601,
    EPOCH,
    PATTERN
  }

  private final Kind kind;
  private final String layout;
  private final long unitNanos;
  private final DateTimeFormatter formatter;
  private final ZoneId zone;
  private final ZoneRules rules;

  /** Offset of {@link #zone} in seconds when it never changes, else Integer.MIN_VALUE. */
  private final int fixedOffset;

  TimestampParse(String layout, ZoneId zone) {
    this.layout = layout;
    this.zone = zone;
    this.rules = zone.getRules();
    this.fixedOffset =
        rules.isFixedOffset()
            ? rules.getOffset(Instant.EPOCH).getTotalSeconds()
            : Integer.MIN_VALUE;
    switch (layout) {
      case "iso8601" -> {
        kind = Kind.ISO8601;
        unitNanos = 0;
        formatter = null;
      }
      case "epoch_s", "epoch_ms", "epoch_us", "epoch_ns" -> {
        kind = Kind.EPOCH;
        unitNanos =
            switch (layout) {
              case "epoch_s" -> 1_000_000_000L;
              case "epoch_ms" -> 1_000_000L;
              case "epoch_us" -> 1_000L;
              default -> 1L;
            };
        formatter = null;
      }
      default -> {
        kind = Kind.PATTERN;
        unitNanos = 0;
        formatter = DateTimeFormatter.ofPattern(layout, Locale.ENGLISH);
      }
    }
  }

  /** Throws IllegalArgumentException with the config message when {@code layout} is not usable. */
  static void layoutCheck(String layout) {
    if (ParseProcessorConfig.LAYOUTS.contains(layout)) return;
    String lower = layout.toLowerCase(Locale.ROOT);
    if (lower.startsWith("epoch")
        || lower.startsWith("iso")
        || lower.startsWith("unix")
        || lower.equals("rfc3339")) {
      throw new IllegalArgumentException(
          "unknown layout '"
              + layout
              + "'; expected iso8601, epoch_s, epoch_ms, epoch_us, "
              + "epoch_ns or a java.time pattern such as yyyy-MM-dd HH:mm:ss.SSS");
    }
    try {
      DateTimeFormatter unused =
          DateTimeFormatter.ofPattern(layout, Locale.ENGLISH); // throws if invalid
      assert unused != null;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'"
              + layout
              + "' is neither a layout name (iso8601, epoch_s, epoch_ms, epoch_us, "
              + "epoch_ns) nor a valid java.time pattern: "
              + e.getMessage());
    }
  }

  String layout() {
    return layout;
  }

  /** The time in {@code value} (read from {@code where}) as Unix nanoseconds. */
  long parse(Object value, String where) throws RecordError {
    if (kind == Kind.EPOCH) return epoch(value, where);
    if (!(value instanceof String s)) {
      throw new RecordError(
          "timestamp: "
              + where
              + " is "
              + article(value)
              + ", expected a string in layout "
              + layout);
    }
    String text = s.trim();
    long nanos = kind == Kind.ISO8601 ? iso(text, where) : pattern(text, where);
    if (nanos <= 0)
      throw new RecordError(
          "timestamp: " + where + " " + RecordError.show(s) + " is not after 1970-01-01T00:00:00Z");
    return nanos;
  }

  // ---------------------------------------------------------------- epoch

  private long epoch(Object value, String where) throws RecordError {
    long nanos;
    if (value instanceof Long l) {
      nanos = scale(l, value, where);
    } else if (value instanceof Double d) {
      if (!Double.isFinite(d) || d * unitNanos >= 9.2e18) throw outOfRange(value, where);
      long whole =
          (long)
              (double)
                  d; // whole units, then the fraction: exact for fractions a double holds exactly
      nanos = scale(whole, value, where) + Math.round((d - whole) * unitNanos);
    } else if (value instanceof String s) {
      nanos = epochText(s.trim(), s, where);
    } else {
      throw new RecordError(
          "timestamp: " + where + " is " + article(value) + ", expected a number (" + layout + ")");
    }
    if (nanos <= 0)
      throw new RecordError(
          "timestamp: "
              + where
              + " "
              + RecordError.show(value)
              + " is not after the epoch ("
              + layout
              + ")");
    return nanos;
  }

  private long scale(long n, Object value, String where) throws RecordError {
    try {
      return Math.multiplyExact(n, unitNanos);
    } catch (ArithmeticException e) {
      throw outOfRange(value, where);
    }
  }

  /** Digits with an optional fraction ({@code 1700000000.25}); no sign, no exponent. */
  private long epochText(String t, String original, String where) throws RecordError {
    int n = t.length();
    int i = 0;
    long whole = 0;
    while (i < n && isDigit(t.charAt(i))) {
      if (whole > (Long.MAX_VALUE - 9) / 10) throw outOfRange(original, where);
      whole = whole * 10 + (t.charAt(i) - '0');
      i++;
    }
    boolean digits = i > 0;
    long frac = 0;
    long fracScale = 1;
    if (i < n && t.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(t.charAt(i))) {
        if (fracScale < 1_000_000_000L) {
          frac = frac * 10 + (t.charAt(i) - '0');
          fracScale *= 10;
        }
        digits = true;
        i++;
      }
    }
    if (!digits || i != n) {
      throw new RecordError(
          "timestamp: "
              + where
              + " "
              + RecordError.show(original)
              + " is not a number ("
              + layout
              + " expects digits with an optional fraction, e.g. "
              + example()
              + ")");
    }
    long nanos = scale(whole, original, where);
    return nanos + frac * unitNanos / fracScale;
  }

  private String example() {
    return switch (layout) {
      case "epoch_s" -> "1700000000.5";
      case "epoch_ms" -> "1700000000500";
      case "epoch_us" -> "1700000000500000";
      default -> "1700000000500000000";
    };
  }

  private RecordError outOfRange(Object value, String where) {
    return new RecordError(
        "timestamp: " + where + " " + RecordError.show(value) + " is out of range for " + layout);
  }

  // ---------------------------------------------------------------- iso8601

  /**
   * {@code yyyy-MM-dd}, then optionally {@code T} (or a space) {@code HH:mm[:ss[.fraction]]} and an
   * offset {@code Z}, {@code +hh}, {@code +hhmm} or {@code +hh:mm}. Without an offset the zone
   * applies.
   */
  private long iso(String t, String where) throws RecordError {
    int n = t.length();
    int year = digits(t, 0, 4, where);
    expect(t, 4, '-', where);
    int month = digits(t, 5, 2, where);
    expect(t, 7, '-', where);
    int day = digits(t, 8, 2, where);
    if (month < 1 || month > 12) throw isoError(t, where, "month " + month + " is not 1..12");
    if (day < 1 || day > daysIn(year, month))
      throw isoError(t, where, "day " + day + " does not exist in " + year + "-" + two(month));
    int hour = 0;
    int minute = 0;
    int second = 0;
    long nano = 0;
    int i = 10;
    if (i < n && (t.charAt(i) == 'T' || t.charAt(i) == 't' || t.charAt(i) == ' ')) {
      hour = digits(t, 11, 2, where);
      expect(t, 13, ':', where);
      minute = digits(t, 14, 2, where);
      i = 16;
      if (i < n && t.charAt(i) == ':') {
        second = digits(t, 17, 2, where);
        i = 19;
        if (i < n && (t.charAt(i) == '.' || t.charAt(i) == ',')) {
          i++;
          int start = i;
          long scale = 100_000_000L;
          while (i < n && isDigit(t.charAt(i))) {
            nano += (t.charAt(i) - '0') * scale;
            scale /= 10;
            i++;
          }
          if (i == start)
            throw isoError(t, where, "expected digits after the decimal point at offset " + start);
        }
      }
      if (hour > 23) throw isoError(t, where, "hour " + hour + " is not 0..23");
      if (minute > 59) throw isoError(t, where, "minute " + minute + " is not 0..59");
      if (second > 59) throw isoError(t, where, "second " + second + " is not 0..59");
    }
    long localSeconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
    int offset;
    if (i == n) {
      offset =
          fixedOffset != Integer.MIN_VALUE
              ? fixedOffset
              : rules
                  .getOffset(LocalDateTime.of(year, month, day, hour, minute, second))
                  .getTotalSeconds();
    } else {
      char c = t.charAt(i);
      if (c == 'Z' || c == 'z') {
        offset = 0;
        i++;
      } else if (c == '+' || c == '-') {
        int offsetStart = i;
        int oh = digits(t, i + 1, 2, where);
        int om = 0;
        i += 3;
        if (i < n && t.charAt(i) == ':') i++;
        if (i < n) {
          om = digits(t, i, 2, where);
          i += 2;
        }
        if (oh > 18 || om > 59)
          throw isoError(t, where, "offset " + t.substring(offsetStart, i) + " is out of range");
        offset = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
      } else {
        throw isoError(
            t, where, "unexpected '" + c + "' at offset " + i + " (expected Z, +hh:mm or the end)");
      }
      if (i != n) throw isoError(t, where, "unexpected '" + t.substring(i) + "' after the offset");
    }
    long seconds = localSeconds - offset;
    if (seconds > Long.MAX_VALUE / 1_000_000_000L - 1)
      throw isoError(t, where, "year " + year + " is out of range");
    return seconds * 1_000_000_000L + nano;
  }

  private static int digits(String t, int at, int count, String where) throws RecordError {
    if (at + count > t.length()) throw isoError(t, where, "it ends early at offset " + t.length());
    int v = 0;
    for (int i = at; i < at + count; i++) {
      char c = t.charAt(i);
      if (!isDigit(c))
        throw isoError(t, where, "expected a digit at offset " + i + ", got '" + c + "'");
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static void expect(String t, int at, char c, String where) throws RecordError {
    if (at >= t.length()) throw isoError(t, where, "it ends early at offset " + t.length());
    if (t.charAt(at) != c)
      throw isoError(
          t, where, "expected '" + c + "' at offset " + at + ", got '" + t.charAt(at) + "'");
  }

  private static RecordError isoError(String t, String where, String detail) {
    return new RecordError(
        "timestamp: "
            + where
            + " "
            + RecordError.show(t)
            + " is not iso8601 ("
            + detail
            + "; expected e.g. 2024-05-01T10:00:00.123Z)");
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int daysIn(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse). */
  static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : String.valueOf(v);
  }

  // ---------------------------------------------------------------- custom pattern

  private long pattern(String t, String where) throws RecordError {
    TemporalAccessor parsed;
    try {
      parsed = formatter.parse(t);
    } catch (DateTimeParseException e) {
      throw new RecordError(
          "timestamp: "
              + where
              + " "
              + RecordError.show(t)
              + " does not match the pattern '"
              + layout
              + "' (at offset "
              + e.getErrorIndex()
              + ")");
    }
    try {
      if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
        return Math.addExact(
            Math.multiplyExact(parsed.getLong(ChronoField.INSTANT_SECONDS), 1_000_000_000L),
            parsed.isSupported(ChronoField.NANO_OF_SECOND)
                ? parsed.getLong(ChronoField.NANO_OF_SECOND)
                : 0);
      }
      LocalDate date = parsed.query(TemporalQueries.localDate());
      if (date == null) {
        throw new RecordError(
            "timestamp: the pattern '"
                + layout
                + "' gives no full date for "
                + where
                + " "
                + RecordError.show(t)
                + "; it needs year, month and day");
      }
      LocalTime time = parsed.query(TemporalQueries.localTime());
      ZoneId z = parsed.query(TemporalQueries.zone());
      Instant at =
          LocalDateTime.of(date, time == null ? LocalTime.MIDNIGHT : time)
              .atZone(z == null ? zone : z)
              .toInstant();
      return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    } catch (DateTimeException | ArithmeticException e) {
      throw new RecordError(
          "timestamp: "
              + where
              + " "
              + RecordError.show(t)
              + " cannot be read with the pattern '"
              + layout
              + "': "
              + e.getMessage());
    }
  }

  static String article(Object v) {
    String k = io.stacklens.agent.expr.FieldPath.kind(v);
    return (k.startsWith("a") || k.startsWith("i") || k.startsWith("e") ? "an " : "a ") + k;
  }

  static ZoneId zone(String timeZone) {
    return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
  }
}
