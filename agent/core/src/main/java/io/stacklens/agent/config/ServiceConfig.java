package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code service} section: which pipelines run, the agent's own telemetry and shutdown.
 *
 * <pre>
 * service:
 *   telemetry: { endpoint: 127.0.0.1:8888, logs: { level: info } }
 *   shutdown_timeout: 30s
 *   memory_limiter: { limit_percentage: 50 }
 *   data_dir: /var/lib/stacklens   # disk queues live under it; default ./data
 *   pipelines:
 *     logs: { receivers: [otlp], exporters: [file] }
 * </pre>
 */
public final class ServiceConfig implements ComponentConfig {
  public TelemetryConfig telemetry = new TelemetryConfig();

  /** How long shutdown may take to drain every pipeline and exporter. Default 30s. */
  public Duration shutdownTimeout = Duration.ofSeconds(30);

  /** Pipelines by id, in file order. At least one is required. */
  public Map<PipelineId, PipelineConfig> pipelines = Map.of();

  /**
   * Directory for the agent's state: exporters' disk queues ({@code sending_queue.storage: disk})
   * go to {@code <data_dir>/queue/<exporter id>}. A relative path is resolved against the working
   * directory. Default {@code data}.
   */
  public String dataDir = "data";

  /** The agent-wide budget for telemetry held in memory. */
  public MemoryLimiterConfig memoryLimiter = new MemoryLimiterConfig();

  public TelemetryConfig telemetry() {
    return telemetry;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public Map<PipelineId, PipelineConfig> pipelines() {
    return pipelines;
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
      problems.error(
          "shutdown_timeout", "must be positive, got " + Durations.format(shutdownTimeout));
    }
    if (dataDir == null || dataDir.isBlank()) {
      problems.error("data_dir", "must not be empty; leave it out for the default (data)");
    }
    if (pipelines.isEmpty()) {
      problems.error(
          "pipelines",
          "at least one pipeline is required, e.g. logs: { receivers: [otlp], exporters: [file] }");
    }
  }
}
