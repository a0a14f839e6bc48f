package io.stacklens.processor.enrich;

import java.time.Duration;

/** Durations as written in config: 200ms, 5s, 1m30s. */
final class Durations {
  private Durations() {}

  static String format(Duration d) {
    if (d.isZero()) return "0s";
    long ms = d.toMillis();
    if (d.toNanos() % 1_000_000 != 0) return d.toNanos() / 1000 + "us";
    if (ms < 1000 || ms % 1000 != 0) return ms + "ms";
    long s = ms / 1000;
    if (s < 60) return s + "s";
    long m = s / 60;
    s %= 60;
    if (m < 60) return m + "m" + (s == 0 ? "" : s + "s");
    long h = m / 60;
    m %= 60;
    return h + "h" + (m == 0 ? "" : m + "m") + (s == 0 ? "" : s + "s");
  }
}
