package io.stacklens.agent.data;

import java.util.Locale;
import java.util.Optional;

/** Telemetry signal a pipeline carries. The YAML name is the lower-case enum name. */
public enum Signal {
  LOGS,
  TRACES,
  METRICS;

  /** YAML and metric-label name: {@code logs}, {@code traces}, {@code metrics}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Signal> fromId(String id) {
    for (Signal s : values()) {
      if (s.id().equals(id)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
