package io.stacklens.agent.config;

/**
 * How a pipeline worker waits while its ring is empty: a trade of CPU for latency. YAML names are
 * {@code park}, {@code yield} and {@code busy_spin}.
 */
public enum WaitStrategy {
  /**
   * Spin briefly, then park the thread for a short time (the default). Costs next to no CPU when
   * idle; a record arriving at an idle pipeline waits up to the park time (tens of microseconds to
   * about a millisecond) before it is processed. Right for almost every deployment.
   */
  PARK,
  /**
   * Call {@link Thread#yield()} for about a hundred rounds before parking for up to a millisecond.
   * Lower wake-up latency than {@link #PARK} after short gaps, at the cost of some CPU while idle.
   * Use on machines with spare cores.
   */
  YIELD,
  /**
   * Spin without giving up the core. Lowest latency, but burns a whole core per pipeline worker,
   * idle or not. Only for dedicated hosts with more cores than pipelines; never on small machines.
   */
  BUSY_SPIN
}
