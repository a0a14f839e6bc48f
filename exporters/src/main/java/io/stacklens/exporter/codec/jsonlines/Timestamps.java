package io.stacklens.exporter.codec.jsonlines;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Formats Unix nanoseconds as RFC 3339 UTC with nine fraction digits ({@code
 * 2024-05-01T12:34:56.123456789Z}) into a reused char array. Not thread-safe: one instance per
 * encoding thread. The date part is cached, so consecutive records of the same day cost a few
 * divisions.
 */
final class Timestamps {
  static final int LENGTH = 30;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long SECONDS_PER_DAY = 86_400L;

  private final char[] chars = new char[LENGTH];
  private long cachedDay = Long.MIN_VALUE;

  /**
   * Formats {@code unixNanos} (non-negative) into {@link #chars()}, returning the length written.
   */
  int format(long unixNanos) {
    if (unixNanos < 0) {
      // Beyond year 2262 as an unsigned OTLP value: rare enough to take the slow path.
      String s =
          Instant.ofEpochSecond(
                  Long.divideUnsigned(unixNanos, NANOS_PER_SECOND),
                  Long.remainderUnsigned(unixNanos, NANOS_PER_SECOND))
              .toString();
      int n = Math.min(s.length(), LENGTH);
      s.getChars(0, n, chars, 0);
      cachedDay = Long.MIN_VALUE;
      return n;
    }
    long seconds = unixNanos / NANOS_PER_SECOND;
    long nanos = unixNanos % NANOS_PER_SECOND;
    long day = seconds / SECONDS_PER_DAY;
    if (day != cachedDay) {
      writeDate(LocalDate.ofEpochDay(day));
      cachedDay = day;
    }
    int secondOfDay = (int) (seconds % SECONDS_PER_DAY);
    chars[10] = 'T';
    digits(secondOfDay / 3600, 11, 2);
    chars[13] = ':';
    digits(secondOfDay / 60 % 60, 14, 2);
    chars[16] = ':';
    digits(secondOfDay % 60, 17, 2);
    chars[19] = '.';
    digits((int) nanos, 20, 9);
    chars[29] = 'Z';
    return LENGTH;
  }

  char[] chars() {
    return chars;
  }

  /** Convenience for tests and messages. */
  String toString(long unixNanos) {
    int n = format(unixNanos);
    return new String(chars, 0, n);
  }

  private void writeDate(LocalDate date) {
    digits(date.getYear(), 0, 4);
    chars[4] = '-';
    digits(date.getMonthValue(), 5, 2);
    chars[7] = '-';
    digits(date.getDayOfMonth(), 8, 2);
  }

  private void digits(int value, int offset, int width) {
    for (int i = offset + width - 1; i >= offset; i--) {
      chars[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
