package io.stacklens.processor.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimestampParseTest {
  private static final ZoneId UTC = ZoneOffset.UTC;

  private static long nanos(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static long parse(String layout, ZoneId zone, Object value) throws RecordError {
    return new TimestampParse(layout, zone).parse(value, "ts");
  }

  @Test
  void iso8601WithOffsetsZuluAndFractions() throws Exception {
    assertThat(parse("iso8601", UTC, "2024-05-01T10:00:00Z"))
        .isEqualTo(nanos("2024-05-01T10:00:00Z"));
    assertThat(parse("iso8601", UTC, "2024-05-01T10:00:00.123456789Z"))
        .isEqualTo(nanos("2024-05-01T10:00:00.123456789Z"));
    assertThat(parse("iso8601", UTC, "2024-05-01T12:00:00.5+02:00"))
        .isEqualTo(nanos("2024-05-01T10:00:00.500Z"));
    assertThat(parse("iso8601", UTC, "2024-05-01T05:30:00-0430"))
        .isEqualTo(nanos("2024-05-01T10:00:00Z"));
    assertThat(parse("iso8601", UTC, "2024-05-01T11:00:00+01"))
        .isEqualTo(nanos("2024-05-01T10:00:00Z"));
    assertThat(parse("iso8601", UTC, "2024-05-01 10:00:00,250"))
        .isEqualTo(nanos("2024-05-01T10:00:00.250Z"));
    assertThat(parse("iso8601", UTC, "2024-05-01t10:00z")).isEqualTo(nanos("2024-05-01T10:00:00Z"));
    assertThat(parse("iso8601", UTC, " 2024-02-29 ")).isEqualTo(nanos("2024-02-29T00:00:00Z"));
    assertThat(parse("iso8601", UTC, "2024-05-01T10:00:00.1234567891234Z"))
        .as("digits past nanoseconds are ignored")
        .isEqualTo(nanos("2024-05-01T10:00:00.123456789Z"));
    assertThat(parse("iso8601", UTC, "1970-01-01T00:00:00.000000001Z")).isEqualTo(1L);
  }

  @Test
  void iso8601WithoutOffsetUsesTheTimeZoneIncludingDaylightSaving() throws Exception {
    ZoneId paris = ZoneId.of("Europe/Paris");
    assertThat(parse("iso8601", paris, "2024-07-01T12:00:00"))
        .isEqualTo(nanos("2024-07-01T10:00:00Z"));
    assertThat(parse("iso8601", paris, "2024-01-01T12:00:00"))
        .isEqualTo(nanos("2024-01-01T11:00:00Z"));
    assertThat(parse("iso8601", paris, "2024-07-01T12:00:00Z"))
        .as("an offset in the value wins")
        .isEqualTo(nanos("2024-07-01T12:00:00Z"));
    assertThat(parse("iso8601", ZoneId.of("+05:30"), "2024-07-01T12:00:00"))
        .isEqualTo(nanos("2024-07-01T06:30:00Z"));
  }

  @Test
  void iso8601ErrorsSayWhatIsWrong() {
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-13-01T00:00:00Z"))
        .isInstanceOf(RecordError.class)
        .hasMessage(
            "timestamp: ts \"2024-13-01T00:00:00Z\" is not iso8601 (month 13 is not 1..12; expected e.g. 2024-05-01T10:00:00.123Z)");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2023-02-29T00:00:00Z"))
        .hasMessageContaining("day 29 does not exist in 2023-02");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-05-01T24:00:00Z"))
        .hasMessageContaining("hour 24 is not 0..23");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-05-01T10:60:00Z"))
        .hasMessageContaining("minute 60 is not 0..59");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-05-01T10:00:61Z"))
        .hasMessageContaining("second 61 is not 0..59");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-05-01T10:00:00.Z"))
        .hasMessageContaining("expected digits after the decimal point at offset 20");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-05-01T10:00:00+25:00"))
        .hasMessageContaining("offset +25:00 is out of range");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-05-01T10:00:00 UTC"))
        .hasMessageContaining("unexpected ' ' at offset 19 (expected Z, +hh:mm or the end)");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-05-01T10:00:00Zx"))
        .hasMessageContaining("unexpected 'x' after the offset");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024-05"))
        .hasMessageContaining("it ends early at offset 7");
    assertThatThrownBy(() -> parse("iso8601", UTC, "May 1 2024"))
        .hasMessageContaining("expected a digit at offset 0, got 'M'");
    assertThatThrownBy(() -> parse("iso8601", UTC, "2024/05/01"))
        .hasMessageContaining("expected '-' at offset 4, got '/'");
    assertThatThrownBy(() -> parse("iso8601", UTC, "1969-12-31T23:59:59Z"))
        .hasMessageContaining("is not after 1970-01-01T00:00:00Z");
    assertThatThrownBy(() -> parse("iso8601", UTC, 1714557600L))
        .hasMessage("timestamp: ts is an int, expected a string in layout iso8601");
  }

  @Test
  void epochLayoutsTakeNumbersAndNumericStrings() throws Exception {
    long t = nanos("2023-11-14T22:13:20Z");
    assertThat(parse("epoch_s", UTC, 1_700_000_000L)).isEqualTo(t);
    assertThat(parse("epoch_s", UTC, "1700000000")).isEqualTo(t);
    assertThat(parse("epoch_s", UTC, 1_700_000_000.25)).isEqualTo(t + 250_000_000L);
    assertThat(parse("epoch_s", UTC, "1700000000.123456789")).isEqualTo(t + 123_456_789L);
    assertThat(parse("epoch_s", UTC, "1700000000.5")).isEqualTo(t + 500_000_000L);
    assertThat(parse("epoch_ms", UTC, 1_700_000_000_123L)).isEqualTo(t + 123_000_000L);
    assertThat(parse("epoch_ms", UTC, "1700000000123.5")).isEqualTo(t + 123_500_000L);
    assertThat(parse("epoch_us", UTC, "1700000000123456")).isEqualTo(t + 123_456_000L);
    assertThat(parse("epoch_ns", UTC, 1_700_000_000_123_456_789L)).isEqualTo(t + 123_456_789L);
    assertThat(parse("epoch_ns", UTC, " 1700000000123456789 ")).isEqualTo(t + 123_456_789L);
  }

  @Test
  void epochErrors() {
    assertThatThrownBy(() -> parse("epoch_s", UTC, "17e8"))
        .hasMessage(
            "timestamp: ts \"17e8\" is not a number (epoch_s expects digits with an optional fraction, e.g. 1700000000.5)");
    assertThatThrownBy(() -> parse("epoch_ms", UTC, "-5"))
        .hasMessageContaining("is not a number (epoch_ms expects");
    assertThatThrownBy(() -> parse("epoch_s", UTC, -5L))
        .hasMessage("timestamp: ts -5 is not after the epoch (epoch_s)");
    assertThatThrownBy(() -> parse("epoch_s", UTC, 0L))
        .hasMessage("timestamp: ts 0 is not after the epoch (epoch_s)");
    assertThatThrownBy(() -> parse("epoch_s", UTC, 99_999_999_999L))
        .hasMessage("timestamp: ts 99999999999 is out of range for epoch_s");
    assertThatThrownBy(() -> parse("epoch_s", UTC, "99999999999999999999"))
        .hasMessageContaining("is out of range for epoch_s");
    assertThatThrownBy(() -> parse("epoch_ms", UTC, Double.NaN))
        .hasMessage("timestamp: ts NaN is out of range for epoch_ms");
    assertThatThrownBy(() -> parse("epoch_ms", UTC, true))
        .hasMessage("timestamp: ts is a bool, expected a number (epoch_ms)");
  }

  @Test
  void customPatternsWithAndWithoutZone() throws Exception {
    assertThat(parse("dd/MMM/yyyy:HH:mm:ss Z", UTC, "01/May/2024:12:00:00 +0200"))
        .isEqualTo(nanos("2024-05-01T10:00:00Z"));
    assertThat(
            parse(
                "yyyy-MM-dd HH:mm:ss.SSS",
                ZoneId.of("America/New_York"),
                "2024-05-01 06:00:00.250"))
        .isEqualTo(nanos("2024-05-01T10:00:00.250Z"));
    assertThat(parse("yyyyMMdd", UTC, "20240501")).isEqualTo(nanos("2024-05-01T00:00:00Z"));
    assertThat(parse("yyyy-MM-dd'T'HH:mm:ss VV", UTC, "2024-05-01T12:00:00 Europe/Paris"))
        .isEqualTo(nanos("2024-05-01T10:00:00Z"));
  }

  @Test
  void customPatternErrors() {
    assertThatThrownBy(() -> parse("dd/MMM/yyyy:HH:mm:ss Z", UTC, "01/Mai/2024:12:00:00 +0200"))
        .hasMessage(
            "timestamp: ts \"01/Mai/2024:12:00:00 +0200\" does not match the pattern 'dd/MMM/yyyy:HH:mm:ss Z' (at offset 3)");
    assertThatThrownBy(() -> parse("HH:mm:ss", UTC, "10:00:00"))
        .hasMessage(
            "timestamp: the pattern 'HH:mm:ss' gives no full date for ts \"10:00:00\"; it needs year, month and day");
  }

  @Test
  void layoutCheckExplainsBadLayouts() {
    TimestampParse.layoutCheck("iso8601");
    TimestampParse.layoutCheck("yyyy-MM-dd");
    assertThatThrownBy(() -> TimestampParse.layoutCheck("epoch_sec"))
        .hasMessage(
            "unknown layout 'epoch_sec'; expected iso8601, epoch_s, epoch_ms, epoch_us, epoch_ns or a java.time pattern"
                + " such as yyyy-MM-dd HH:mm:ss.SSS");
    assertThatThrownBy(() -> TimestampParse.layoutCheck("yyyy-MM-dd{"))
        .hasMessageStartingWith(
            "'yyyy-MM-dd{' is neither a layout name (iso8601, epoch_s, epoch_ms, epoch_us, epoch_ns) nor a valid java.time pattern: ");
  }

  @Test
  void epochDayMatchesJavaTime() {
    for (int y : new int[] {1970, 1999, 2000, 2024, 2100, 2400}) {
      for (int m = 1; m <= 12; m++) {
        assertThat(TimestampParse.epochDay(y, m, 28))
            .isEqualTo(java.time.LocalDate.of(y, m, 28).toEpochDay());
      }
    }
  }
}
