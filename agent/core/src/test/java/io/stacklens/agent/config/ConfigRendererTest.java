package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.load;
import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigRendererTest {
  private static final String YAML =
      """
      receivers: { otlp: }
      processors:
        sink: { limit: 20MiB, interval: 1m30s, mode: safe_and_slow, targets: [{ host: a }] }
      exporters:
        file:
          path: /tmp/out
          credentials: hunter2
          api_key: k-123
          headers: { x-auth-token: t-456, x-team: core }
      service:
        pipelines:
          logs/audit: { receivers: [otlp], processors: [sink], exporters: [file] }
      """;

  private static AgentConfig config() {
    return load(YAML).config().orElseThrow();
  }

  @Test
  void rendersEveryOptionWithDefaultsInSnakeCase() {
    String rendered = ConfigRenderer.render(config(), false);

    assertThat(rendered)
        .contains(
            """
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 127.0.0.1:4317
            """)
        .contains("    limit: 20MiB\n", "    interval: 1m30s\n", "    mode: safe_and_slow\n")
        .contains(
            """
                sending_queue:
                  queue_size: 128
                  num_consumers: 1
                  storage: memory
                  fsync: batch
                  fsync_interval: 1s
                  when_full: block
                  segment_size: 16MiB
                batch:
                  enabled: true
                  min_size: 1000
                  max_size: 10000
                  flush_timeout: 200ms
            """)
        .contains("    max_elapsed_time: 5m\n", "    multiplier: 1.5\n", "    format: json_lines\n")
        .contains(
            """
            service:
              telemetry:
                endpoint: 127.0.0.1:8888
                logs:
                  level: info
                  loggers: {}
              shutdown_timeout: 30s
              pipelines:
                logs/audit:
                  receivers:
                    - otlp
            """)
        .contains("      ring_size: 256\n", "      wait_strategy: park\n")
        .contains("credentials: hunter2", "api_key: k-123", "x-auth-token: t-456");
  }

  @Test
  void redactsSecretFieldsAndSecretLookingKeys() {
    String rendered = ConfigRenderer.render(config(), true);

    assertThat(rendered)
        .contains(
            "    credentials: <redacted>\n",
            "    api_key: <redacted>\n",
            "      x-auth-token: <redacted>\n")
        .contains("      x-team: core\n", "    path: /tmp/out\n")
        .doesNotContain("hunter2", "k-123", "t-456");
  }

  @Test
  void renderedConfigLoadsBackToTheSameConfig() {
    String rendered = ConfigRenderer.render(config(), false);

    LoadResult reloaded = load(rendered);

    assertThat(printed(reloaded)).isEmpty();
    assertThat(ConfigRenderer.render(reloaded.config().orElseThrow(), false)).isEqualTo(rendered);
  }

  @Test
  void aPasswordInAUrlValueIsRedactedInTheRenderedConfig() {
    String yaml =
        YAML.replace(
            "path: /tmp/out", "path: jdbc:postgresql://db/logs?user=agent&password=hunter3");

    String rendered = ConfigRenderer.render(load(yaml).config().orElseThrow(), true);

    assertThat(rendered)
        .contains("path: jdbc:postgresql://db/logs?user=agent&password=<redacted>")
        .doesNotContain("hunter3");
    assertThat(ConfigRenderer.render(load(yaml).config().orElseThrow(), false))
        .as("unredacted, as the round-trip test renders it")
        .contains("hunter3");
  }
}
