package io.stacklens.agent.telemetry;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count; contention-free increments from many threads. */
public final class Counter {
  private final LongAdder adder = new LongAdder();

  public void inc() {
    adder.increment();
  }

  public void add(long n) {
    if (n < 0) throw new IllegalArgumentException("counter increment must not be negative: " + n);
    if (n > 0) adder.add(n);
  }

  public long get() {
    return adder.sum();
  }
}
