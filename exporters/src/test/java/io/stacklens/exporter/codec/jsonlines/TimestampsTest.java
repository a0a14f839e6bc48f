package io.stacklens.exporter.codec.jsonlines;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  private final Timestamps timestamps = new Timestamps();

  @Test
  void formatsRfc3339WithNineFractionDigitsInUtc() {
    assertThat(timestamps.toString(0)).isEqualTo("1970-01-01T00:00:00.000000000Z");
    assertThat(timestamps.toString(1_714_566_896_123_456_789L))
        .isEqualTo("2024-05-01T12:34:56.123456789Z");
    assertThat(timestamps.toString(951_782_400_000_000_001L))
        .isEqualTo("2000-02-29T00:00:00.000000001Z");
    assertThat(timestamps.toString(Long.MAX_VALUE)).isEqualTo("2262-04-11T23:47:16.854775807Z");
  }

  @Test
  void agreesWithInstantAcrossManyDaysInAnyOrder() {
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      long nanos = random.nextLong() & Long.MAX_VALUE;
      Instant instant = Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
      String expected =
          java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
              .withZone(java.time.ZoneOffset.UTC)
              .format(instant);
      assertThat(timestamps.toString(nanos)).isEqualTo(expected);
    }
  }
}
