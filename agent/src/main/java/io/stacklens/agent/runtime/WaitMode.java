package io.stacklens.agent.runtime;

/**
 * How a pipeline worker waits when its ring is empty: a trade-off of latency against CPU.
 * {@link #PARK} (default) sleeps until a receiver wakes it, costing no CPU when idle; {@link #YIELD}
 * gives the core away but stays runnable (lower wake-up latency, some CPU when idle);
 * {@link #BUSY_SPIN} burns a whole core for the lowest latency — only with cores to spare.
 */
public enum WaitMode {
  PARK,
  YIELD,
  BUSY_SPIN
}
