package io.stacklens.agent.api;

import io.stacklens.agent.data.MemoryLimiter;

/** What the running service offers to components at start. */
public interface Host {
  /** Reports a component's health; shown by {@code /health}. */
  void reportStatus(ComponentId id, ComponentKind kind, ComponentStatus status, String detail);

  /**
   * The agent-wide memory budget ({@code service.memory_limiter}) that receivers count request
   * bodies and decoded batches against. Unlimited unless the host has one.
   */
  default MemoryLimiter memoryLimiter() {
    return MemoryLimiter.unlimited();
  }

  /**
   * The dead-letter exporter {@code exporter}, for the records receiver {@code receiver} can never
   * hand to a pipeline (its {@code dead_letter.exporter}, whose config implements {@link
   * DeadLetterConfig}). The service builds that exporter and starts it before the receiver.
   *
   * @throws IllegalArgumentException when the host runs no such exporter; a host without exporters
   *     (a test harness) throws {@link UnsupportedOperationException}
   */
  default DeadLetters deadLetters(ComponentId receiver, ComponentId exporter) {
    throw new UnsupportedOperationException(
        "this host runs no exporters, so receiver "
            + receiver
            + " cannot send dead letters to exporter "
            + exporter);
  }
}
