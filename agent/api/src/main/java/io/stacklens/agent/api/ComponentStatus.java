package io.stacklens.agent.api;

/** Health state of one component, as reported on {@code /health}. */
public enum ComponentStatus {
  STARTING,
  OK,
  /** Working, but something needs attention (e.g. exporter retrying). */
  DEGRADED,
  /** Not working; records are not flowing through this component. */
  FAILED,
  STOPPING,
  STOPPED;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
