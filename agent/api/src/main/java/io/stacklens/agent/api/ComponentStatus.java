package io.stacklens.agent.api;

/** Health state of one component, as reported on {@code /health}. */
public enum ComponentStatus {
  /** Created, {@code start} has not yet returned. */
  STARTING,
  /** Started and working normally. */
  OK,
  /** Working, but something needs attention (e.g. exporter retrying). */
  DEGRADED,
  /** Not working; records are not flowing through this component. */
  FAILED,
  /** Shutdown has begun; records may still be drained. */
  STOPPING,
  /** Shut down; it will not process records again. */
  STOPPED;

  /** Lower-case name as reported on {@code /health}, e.g. {@code degraded}. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
