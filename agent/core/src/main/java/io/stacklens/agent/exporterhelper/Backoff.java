package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.ExporterConfig.RetrySettings;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th wait is drawn uniformly from {@code [base·(1−f),
 * min(base·(1+f), max_interval)]} where {@code base = min(initial·multiplier^n, max_interval)}.
 * Every wait is in {@code [0, max_interval]}: the jitter never pushes a wait past the cap, and at
 * the cap the waits still spread over {@code [max_interval·(1−f), max_interval]}.
 */
final class Backoff {
  private final RetrySettings settings;
  private final DoubleSupplier random;
  private double currentNanos;

  Backoff(RetrySettings settings) {
    this(settings, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** {@code random} yields values in [0, 1); tests pass a seeded or fixed source. */
  Backoff(RetrySettings settings, DoubleSupplier random) {
    this.settings = settings;
    this.random = random;
    this.currentNanos = settings.initialInterval.toNanos();
  }

  /** The next wait in nanoseconds, in {@code [0, max_interval]}. */
  long nextDelayNanos() {
    double max = settings.maxInterval.toNanos();
    double base = Math.min(currentNanos, max);
    currentNanos = Math.min(currentNanos * settings.multiplier, max);
    double f = settings.randomizationFactor;
    double low = base * (1 - f);
    double high = Math.min(base * (1 + f), max);
    double delay = low + random.getAsDouble() * (high - low);
    return (long) Math.max(0, Math.min(delay, max));
  }
}
