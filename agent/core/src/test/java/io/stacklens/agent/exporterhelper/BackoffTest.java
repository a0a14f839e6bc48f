package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ExporterConfig.RetrySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final long MAX = Duration.ofSeconds(30).toNanos();

  private static RetrySettings settings(double factor) {
    RetrySettings s = new RetrySettings();
    s.initialInterval = Duration.ofSeconds(1);
    s.maxInterval = Duration.ofSeconds(30);
    s.multiplier = 1.5;
    s.randomizationFactor = factor;
    return s;
  }

  private static List<Long> delays(Backoff backoff, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(backoff.nextDelayNanos());
    return out;
  }

  @Test
  void jitterNeverPushesAWaitPastMaxInterval() {
    Random seeded = new Random(42);
    for (int sequence = 0; sequence < 1_000; sequence++) {
      assertThat(delays(new Backoff(settings(0.5), seeded::nextDouble), 30))
          .allSatisfy(d -> assertThat(d).isBetween(0L, MAX));
    }
  }

  @Test
  void theLargestDrawStaysWithinMaxInterval() {
    // the draw that used to give 1.5 × 30 s = 45 s
    Backoff highest = new Backoff(settings(0.5), () -> Math.nextDown(1.0));
    assertThat(delays(highest, 30)).allSatisfy(d -> assertThat(d).isBetween(0L, MAX));
    assertThat(highest.nextDelayNanos()).isGreaterThan(MAX - 1_000);
    Backoff almostOne = new Backoff(settings(0.99), () -> Math.nextDown(1.0));
    assertThat(delays(almostOne, 30)).allSatisfy(d -> assertThat(d).isBetween(0L, MAX));
  }

  @Test
  void withoutJitterWaitsGrowByTheMultiplierUpToMaxInterval() {
    List<Long> waits = delays(new Backoff(settings(0), () -> 0.5), 12);
    assertThat(waits.subList(0, 4))
        .containsExactly(1_000_000_000L, 1_500_000_000L, 2_250_000_000L, 3_375_000_000L);
    assertThat(waits).isSorted();
    assertThat(waits.get(11)).isEqualTo(MAX);
  }

  @Test
  void waitsStayRandomizedAtTheCap() {
    Random seeded = new Random(7);
    Backoff backoff = new Backoff(settings(0.5), seeded::nextDouble);
    delays(backoff, 20); // 1.5^20 s is far past the cap
    Set<Long> atCap = new HashSet<>(delays(backoff, 200));
    assertThat(atCap)
        .hasSizeGreaterThan(100)
        .allSatisfy(d -> assertThat(d).isBetween(MAX / 2, MAX));
  }

  @Test
  void theLowestDrawIsBaseTimesOneMinusFactor() {
    Backoff lowest = new Backoff(settings(0.5), () -> 0.0);
    assertThat(delays(lowest, 2)).containsExactly(500_000_000L, 750_000_000L);
  }
}
