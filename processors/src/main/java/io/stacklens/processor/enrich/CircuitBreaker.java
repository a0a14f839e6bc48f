package io.stacklens.processor.enrich;

import java.util.function.LongSupplier;

/**
 * A count-based circuit breaker: the outcome of the last {@code windowSize} calls is kept; once at
 * least {@code minimumCalls} are in the window and the failed share reaches {@code failureRatio},
 * it opens and refuses calls for {@code openNanos}; then it lets exactly one probe call through
 * (half-open): success closes it with an empty window, failure opens it again. Thread-safe.
 */
final class CircuitBreaker {
  enum State {
    CLOSED(0),
    HALF_OPEN(1),
    OPEN(2);

    final int gauge;

    State(int gauge) {
      this.gauge = gauge;
    }
  }

  private final double failureRatio;
  private final int minimumCalls;
  private final long openNanos;
  private final LongSupplier clock;
  private final boolean[] window;
  private int next;
  private int count;
  private int failures;
  private State state = State.CLOSED;
  private long openedAt;
  private boolean probeInFlight;

  CircuitBreaker(
      double failureRatio, int minimumCalls, int windowSize, long openNanos, LongSupplier clock) {
    this.failureRatio = failureRatio;
    this.minimumCalls = minimumCalls;
    this.openNanos = openNanos;
    this.clock = clock;
    this.window = new boolean[windowSize];
  }

  /** Whether a call may go now; a true answer in half-open is the probe, which must report back. */
  synchronized boolean tryAcquire() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (clock.getAsLong() - openedAt < openNanos) return false;
        state = State.HALF_OPEN;
        probeInFlight = true;
        return true;
      case HALF_OPEN:
      default:
        if (probeInFlight) return false;
        probeInFlight = true;
        return true;
    }
  }

  /** A quick check for the pipeline worker: true while calls would be refused. */
  synchronized boolean refusesNow() {
    return (state == State.OPEN && clock.getAsLong() - openedAt < openNanos)
        || (state == State.HALF_OPEN && probeInFlight);
  }

  synchronized void onSuccess() {
    if (state == State.HALF_OPEN) {
      state = State.CLOSED;
      probeInFlight = false;
      clear();
      return;
    }
    if (state == State.OPEN) return;
    record(false);
    openIfFailing();
  }

  synchronized void onFailure() {
    if (state == State.HALF_OPEN) {
      open();
      return;
    }
    if (state == State.OPEN) return; // a call that started before it opened
    record(true);
    openIfFailing();
  }

  /** Checked after every call: the window may reach minimum_calls with a success. */
  private void openIfFailing() {
    if (count >= minimumCalls && failures >= failureRatio * count) open();
  }

  synchronized State state() {
    return state;
  }

  private void record(boolean failed) {
    if (count == window.length) {
      if (window[next]) failures--;
    } else {
      count++;
    }
    window[next] = failed;
    if (failed) failures++;
    next = (next + 1) % window.length;
  }

  private void open() {
    state = State.OPEN;
    openedAt = clock.getAsLong();
    probeInFlight = false;
    clear();
  }

  private void clear() {
    java.util.Arrays.fill(window, false);
    next = 0;
    count = 0;
    failures = 0;
  }
}
