package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole loaded and validated configuration. Component maps keep file order; each value is the
 * factory's config class with the YAML bound over its defaults.
 */
public record AgentConfig(
    Map<ComponentId, ComponentConfig> receivers,
    Map<ComponentId, ComponentConfig> processors,
    Map<ComponentId, ComponentConfig> exporters,
    ServiceConfig service) {

  public AgentConfig {
    receivers = Collections.unmodifiableMap(new LinkedHashMap<>(receivers));
    processors = Collections.unmodifiableMap(new LinkedHashMap<>(processors));
    exporters = Collections.unmodifiableMap(new LinkedHashMap<>(exporters));
  }

  /** The components defined under the section of {@code kind}. */
  public Map<ComponentId, ComponentConfig> components(ComponentKind kind) {
    return switch (kind) {
      case RECEIVER -> receivers;
      case PROCESSOR -> processors;
      case EXPORTER -> exporters;
    };
  }
}
