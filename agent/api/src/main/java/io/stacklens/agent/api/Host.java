package io.stacklens.agent.api;

import io.stacklens.agent.data.MemoryLimiter;
/** What the running service offers to components at start. */
public interface Host {
  /** Reports a component's health; shown by {@code /health}. */
  void reportStatus(ComponentId id, ComponentKind kind, ComponentStatus status, String detail);

  /**
   * The agent-wide memory budget ({@code service.memory_limiter}) that receivers count request bodies
   * and decoded batches against. Unlimited unless the host has one.
   */
  default MemoryLimiter memoryLimiter() {
    return MemoryLimiter.unlimited();
  }
}
