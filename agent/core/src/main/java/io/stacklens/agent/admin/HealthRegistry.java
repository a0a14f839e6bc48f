package io.stacklens.agent.admin;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Host;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Health of the service and of each component; the source of {@code /health}. Components report
 * through {@link Host#reportStatus}; the service sets its own phase.
 */
public final class HealthRegistry implements Host {
  /**
   * Phase of the whole agent. Only {@link #RUNNING} is healthy (HTTP 200); the others answer 503.
   */
  public enum Phase {
    STARTING,
    RUNNING,
    DRAINING,
    STOPPED;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One component's latest report. */
  public record ComponentHealth(
      ComponentKind kind, ComponentId id, ComponentStatus status, String detail, Instant since) {}

  /**
   * The config in force: its hash ({@code sha256:...} of what {@code print-config} shows, secrets
   * redacted), when it was applied, and how the last reload ended (null fields before the first).
   */
  public record ConfigStatus(
      String hash,
      Instant appliedAt,
      String lastReloadResult,
      Instant lastReloadAt,
      String lastReloadMessage) {}

  private volatile ConfigStatus config;
  private volatile Phase phase = Phase.STARTING;
  private final Map<String, ComponentHealth> components = new ConcurrentHashMap<>();

  @Override
  public void reportStatus(
      ComponentId id, ComponentKind kind, ComponentStatus status, String detail) {
    String key = kind.label() + ":" + id;
    components.compute(
        key,
        (k, old) ->
            old != null && old.status() == status && java.util.Objects.equals(old.detail(), detail)
                ? old
                : new ComponentHealth(
                    kind, id, status, detail == null ? "" : detail, Instant.now()));
  }

  /** The config in force, shown on {@code /health}; null until the agent sets it. */
  public ConfigStatus config() {
    return config;
  }

  public void config(ConfigStatus status) {
    this.config = status;
  }

  /** Drops a component a reload removed. */
  public void forget(ComponentKind kind, ComponentId id) {
    components.remove(kind.label() + ":" + id);
  }

  public Phase phase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  /** True when the agent is running and no component has FAILED. */
  public boolean healthy() {
    if (phase != Phase.RUNNING) return false;
    for (ComponentHealth c : components.values()) {
      if (c.status() == ComponentStatus.FAILED) return false;
    }
    return true;
  }

  /** Components sorted by kind then id. */
  public List<ComponentHealth> components() {
    List<ComponentHealth> list = new ArrayList<>(components.values());
    list.sort(
        Comparator.comparing((ComponentHealth c) -> c.kind().ordinal())
            .thenComparing(c -> c.id().toString()));
    return list;
  }
}
