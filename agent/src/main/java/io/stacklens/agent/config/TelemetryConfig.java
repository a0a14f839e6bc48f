package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import java.util.List;

/**
 * {@code service.telemetry}: the agent's own telemetry.
 *
 * <pre>
 * telemetry:
 *   endpoint: 127.0.0.1:8888   # admin HTTP server: /metrics, /health, /stats
 *   logs:
 *     level: info              # debug, info, warn or error
 * </pre>
 */
public final class TelemetryConfig implements ComponentConfig {
  static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error");

  /** host:port of the admin HTTP server. Default {@code 127.0.0.1:8888}; port 0 picks a free port. */
  public String endpoint = "127.0.0.1:8888";

  public LogsConfig logs = new LogsConfig();

  public String endpoint() {
    return endpoint;
  }

  public LogsConfig logs() {
    return logs;
  }

  /** The agent's own log output. */
  public static final class LogsConfig {
    /** Lowest level logged: debug, info, warn or error. Default {@code info}. */
    public String level = "info";

    public String level() {
      return level;
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    int colon = endpoint.lastIndexOf(':');
    String port = colon < 0 ? "" : endpoint.substring(colon + 1);
    if (colon <= 0 || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      problems.error("endpoint", "expected host:port with a port from 0 to 65535, got '" + endpoint + "'");
    }
    if (!LOG_LEVELS.contains(logs.level)) {
      problems.error(
          "logs.level",
          "unknown log level '" + logs.level + "' (allowed values: " + String.join(", ", LOG_LEVELS) + ")");
    }
  }
}
