package io.stacklens.agent.config;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Suggestions;
import io.stacklens.agent.auth.AuthSettings;
import io.stacklens.agent.tls.TlsServerSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code service.telemetry}: the agent's own telemetry.
 *
 * <pre>
 * telemetry:
 *   endpoint: 127.0.0.1:8888   # admin HTTP server: /metrics, /health, /stats
 *   auth: { bearer_token: "${env:ADMIN_TOKEN}" }   # optional, as on receivers
 *   tls: { cert_file: admin.pem, key_file: admin.key }   # optional, as on receivers
 *   logs:
 *     level: info              # the agent's own loggers (io.stacklens): debug, info, warn or error
 *     loggers:                 # other loggers by name (and those below them); libraries stay at
 *       io.netty: debug        # info (gRPC, Netty, Kafka: warn) unless named here
 * </pre>
 */
public final class TelemetryConfig implements ComponentConfig {
  static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error");

  /** A logger name as java.util.logging configures it: no blanks and none of {@code = : # ! \}. */
  private static final Pattern LOGGER_NAME = Pattern.compile("[^\\s=:#!\\\\]+");

  /**
   * host:port of the admin HTTP server. Default {@code 127.0.0.1:8888}; port 0 picks a free port.
   */
  public String endpoint = "127.0.0.1:8888";

  /**
   * The credential every request to the admin endpoint must carry ({@code /metrics}, {@code
   * /health}, {@code /stats}); none by default.
   */
  public AuthSettings auth;

  /** The TLS the admin endpoint speaks (as a receiver's {@code tls}); plaintext by default. */
  public TlsServerSettings tls;

  public LogsConfig logs = new LogsConfig();

  public String endpoint() {
    return endpoint;
  }

  public LogsConfig logs() {
    return logs;
  }

  /** The agent's own log output. */
  public static final class LogsConfig {
    /**
     * Lowest level logged by the agent's own loggers ({@code io.stacklens}): debug, info, warn or
     * error. Default {@code info}. Libraries (gRPC, Netty, Kafka, ...) do not follow it below info:
     * their DEBUG output includes the bytes of users' telemetry. Name them in {@link #loggers} to
     * change that.
     */
    public String level = "info";

    /**
     * Levels of loggers by name, e.g. {@code io.netty: debug} or {@code org.apache.kafka: info}; a
     * name covers the loggers below it. Empty by default.
     */
    public Map<String, String> loggers = new LinkedHashMap<>();

    public String level() {
      return level;
    }

    public Map<String, String> loggers() {
      return loggers;
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    int colon = endpoint.lastIndexOf(':');
    String port = colon < 0 ? "" : endpoint.substring(colon + 1);
    if (colon <= 0 || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      problems.error(
          "endpoint", "expected host:port with a port from 0 to 65535, got '" + endpoint + "'");
    }
    if (!LOG_LEVELS.contains(logs.level)) {
      problems.error(
          "logs.level",
          "unknown log level '"
              + logs.level
              + "' (allowed values: "
              + String.join(", ", LOG_LEVELS)
              + ")"
              + Suggestions.didYouMean(String.valueOf(logs.level), LOG_LEVELS));
    }
    for (Map.Entry<String, String> e : logs.loggers.entrySet()) {
      String path = "logs.loggers." + e.getKey();
      if (!LOGGER_NAME.matcher(e.getKey()).matches()) {
        problems.error(
            path,
            "'"
                + e.getKey()
                + "' is not a logger name (a dotted name such as io.netty or org.apache.kafka)");
      }
      if (e.getValue() == null || !LOG_LEVELS.contains(e.getValue())) {
        problems.error(
            path,
            "unknown log level '"
                + e.getValue()
                + "' (allowed values: "
                + String.join(", ", LOG_LEVELS)
                + ")"
                + Suggestions.didYouMean(String.valueOf(e.getValue()), LOG_LEVELS));
      }
    }
  }
}
