package io.stacklens.agent.api;

import io.stacklens.agent.telemetry.MetricsRegistry;

/** What a factory gets to build a component: its identity, self-telemetry and a logger. */
public record ComponentContext(ComponentId id, ComponentKind kind, MetricsRegistry metrics, System.Logger logger) {
  public static ComponentContext of(ComponentId id, ComponentKind kind, MetricsRegistry metrics) {
    return new ComponentContext(
        id, kind, metrics, System.getLogger("io.stacklens.agent." + kind.label() + "." + id));
  }
}
