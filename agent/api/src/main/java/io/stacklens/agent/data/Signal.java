package io.stacklens.agent.data;

import java.util.Locale;
import java.util.Optional;

/** Telemetry signal a pipeline carries. The YAML name is the lower-case enum name. */
public enum Signal {
  /** Log records, carried as {@link LogsBatch}. */
  LOGS,
  /** Spans, carried as {@link TracesBatch}. */
  TRACES,
  /** Metric data points, carried as {@link MetricsBatch}. */
  METRICS;

  /** YAML and metric-label name: {@code logs}, {@code traces}, {@code metrics}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The signal whose {@link #id()} is {@code id} (exact, lower case), or empty for any other text.
   */
  public static Optional<Signal> fromId(String id) {
    for (Signal s : values()) {
      if (s.id().equals(id)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
