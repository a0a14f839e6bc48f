package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.ExporterConfig.RetrySettings;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: {@code initial * multiplier^n}, capped, randomized by ±factor. */
final class Backoff {
  private final RetrySettings settings;
  private double currentNanos;

  Backoff(RetrySettings settings) {
    this.settings = settings;
    this.currentNanos = settings.initialInterval.toNanos();
  }

  /** The next wait in nanoseconds. */
  long nextDelayNanos() {
    double base = Math.min(currentNanos, settings.maxInterval.toNanos());
    currentNanos = Math.min(currentNanos * settings.multiplier, settings.maxInterval.toNanos());
    double f = settings.randomizationFactor;
    double jitter = f == 0 ? 1 : 1 - f + ThreadLocalRandom.current().nextDouble() * 2 * f;
    return (long) (base * jitter);
  }
}
