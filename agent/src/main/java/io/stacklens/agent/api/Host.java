package io.stacklens.agent.api;

/** What the running service offers to components at start. */
public interface Host {
  /** Reports a component's health; shown by {@code /health}. */
  void reportStatus(ComponentId id, ComponentKind kind, ComponentStatus status, String detail);
}
