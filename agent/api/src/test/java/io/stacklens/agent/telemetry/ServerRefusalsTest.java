package io.stacklens.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerRefusalsTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final List<String> lines = new ArrayList<>();
  private final ServerRefusals refusals =
      ServerRefusals.of(
          metrics,
          "otlp/2",
          "http",
          new RateLimitedLog(
              (level, line) -> lines.add(level + " " + line),
              Duration.ofMinutes(1),
              () -> 0L,
              (task, delay) -> {}));

  private long count(String family, String reason) {
    return metrics.counterValue(
        family, "receiver", "otlp/2", "transport", "http", "reason", reason);
  }

  @Test
  void eachKindIsCountedInItsFamilyByReason() {
    refusals.refusedConnection(ServerRefusals.CONNECTION_LIMIT, () -> "refused a connection");
    refusals.refusedConnection(ServerRefusals.CONNECTION_LIMIT, () -> "refused another");
    refusals.refusedRequest(ServerRefusals.MEMORY_LIMIT, () -> "answered 429");
    refusals.closedConnection(ServerRefusals.IDLE_TIMEOUT, () -> "closed an idle connection");
    assertThat(count(ServerRefusals.REFUSED_CONNECTIONS, "connection_limit")).isEqualTo(2);
    assertThat(count(ServerRefusals.REFUSED_REQUESTS, "memory_limit")).isEqualTo(1);
    assertThat(count(ServerRefusals.CLOSED_CONNECTIONS, "idle_timeout")).isEqualTo(1);
  }

  @Test
  void refusalsAreLoggedOncePerReasonWithTheReceiverAndTransport() {
    refusals.refusedConnection(ServerRefusals.CONNECTION_LIMIT, () -> "refused a connection");
    refusals.refusedConnection(ServerRefusals.CONNECTION_LIMIT, () -> "refused another");
    refusals.closedConnection(ServerRefusals.IDLE_TIMEOUT, () -> "closed an idle connection");
    assertThat(lines)
        .containsExactly(
            "WARNING otlp/2 (http): refused a connection",
            "DEBUG otlp/2 (http): closed an idle connection");
  }

  @Test
  void logOnlyCountsNothing() {
    ServerRefusals admin = ServerRefusals.logOnly("admin");
    admin.refusedConnection(ServerRefusals.CONNECTION_LIMIT, () -> "x");
    assertThat(metrics.toPrometheusText()).doesNotContain("refused");
  }
}
