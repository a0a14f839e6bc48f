package io.stacklens.agent.api;

import java.time.Instant;

/**
 * Lifecycle shared by all components.
 *
 * <p>Start order is exporters, processors, pipeline workers, receivers; shutdown is the reverse, so
 * every stage can drain into the next.
 */
public interface Component {
  /** Starts the component. Must return quickly; long work goes to the component's own threads. */
  void start(Host host) throws Exception;

  /**
   * Stops the component, draining what it holds until {@code deadline}. Idempotent and safe to call
   * before (or without) {@link #start}.
   */
  void shutdown(Instant deadline);
}
