package io.stacklens.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final HealthRegistry health = new HealthRegistry();
  private AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    admin = new AdminServer("127.0.0.1:0", metrics, health);
    admin.start();
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsServesPrometheusText() throws Exception {
    metrics.counter("stacklens_test_things_total", "things", "kind", "a").add(3);
    var response = send("GET", "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains(
            "# TYPE stacklens_test_things_total counter",
            "stacklens_test_things_total{kind=\"a\"} 3");
  }

  @Test
  void healthIs503WhileStartingAnd200WhenRunning() throws Exception {
    health.reportStatus(
        ComponentId.of("otlp"), ComponentKind.RECEIVER, ComponentStatus.OK, "listening");
    var starting = send("GET", "/health");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(starting.body()).contains("\"status\":\"starting\"");

    health.setPhase(HealthRegistry.Phase.RUNNING);
    var running = send("GET", "/health");
    assertThat(running.statusCode()).isEqualTo(200);
    assertThat(running.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(running.body())
        .startsWith(
            "{\"status\":\"running\",\"components\":[{\"kind\":\"receiver\",\"id\":\"otlp\",\"status\":\"ok\",\"detail\":\"listening\",\"since\":\"");
    assertValidJson(running.body());
  }

  @Test
  void healthIs503WhenAComponentFailed() throws Exception {
    health.setPhase(HealthRegistry.Phase.RUNNING);
    health.reportStatus(
        ComponentId.of("kafka"), ComponentKind.EXPORTER, ComponentStatus.FAILED, "broker down");
    var response = send("GET", "/health");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("\"status\":\"failed\"", "broker down");
  }

  @Test
  void statsServesTheSnapshotAsJson() throws Exception {
    metrics.counter("stacklens_test_things_total", "things", "kind", "a").add(2);
    metrics.gauge("stacklens_test_level", "level", () -> Double.NaN);
    metrics.histogram("stacklens_test_seconds", "latency").recordNanos(1_000_000);
    var response = send("GET", "/stats");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("\"stacklens_test_things_total\":[{\"labels\":{\"kind\":\"a\"},\"value\":2}]")
        .contains("\"stacklens_test_level\":[{\"labels\":{},\"value\":\"NaN\"}]")
        .contains("\"count\":1");
    assertValidJson(response.body());
  }

  @Test
  void unknownPathIs404AndOtherMethodsAre405() throws Exception {
    var missing = send("GET", "/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("/metrics");
    var post = send("POST", "/metrics");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void reloadTakesOnlyPostAndAnswersWhatTheReloaderSays() throws Exception {
    var get = send("GET", "/reload");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    var withoutReloader = send("POST", "/reload");
    assertThat(withoutReloader.statusCode()).isEqualTo(409);
    assertThat(withoutReloader.body()).contains("without config files");

    admin.reloadWith(() -> io.stacklens.agent.http.HttpResponse.text(200, "reloaded").completed());
    var post = send("POST", "/reload");
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).isEqualTo("reloaded");
  }

  @Test
  void reloadOnANonLoopbackEndpointWithoutAuthIsForbidden() throws Exception {
    admin.close();
    admin = new AdminServer("0.0.0.0:0", metrics, health);
    admin.start();
    admin.reloadWith(() -> io.stacklens.agent.http.HttpResponse.text(200, "reloaded").completed());
    var post = send("POST", "/reload");
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(post.body()).contains("service.telemetry.auth", "SIGHUP");
  }

  @Test
  void healthShowsTheConfigInForceAndTheLastReload() throws Exception {
    health.setPhase(HealthRegistry.Phase.RUNNING);
    java.time.Instant at = java.time.Instant.parse("2026-01-02T03:04:05Z");
    health.config(new HealthRegistry.ConfigStatus("sha256:abc", at, null, null, null));
    assertThat(send("GET", "/health").body())
        .contains("\"config\":{\"hash\":\"sha256:abc\",\"applied_at\":\"2026-01-02T03:04:05Z\"}");

    health.config(
        new HealthRegistry.ConfigStatus("sha256:abc", at, "invalid", at, "config reload refused"));
    var response = send("GET", "/health");
    assertThat(response.body())
        .contains(
            "\"last_reload\":{\"result\":\"invalid\",\"at\":\"2026-01-02T03:04:05Z\","
                + "\"message\":\"config reload refused\"}");
    assertValidJson(response.body());
  }

  @Test
  void invalidEndpointIsRejectedUpFront() {
    assertThatThrownBy(() -> new AdminServer("localhost", metrics, health))
        .hasMessageContaining("has no port");
  }

  private static void assertValidJson(String text) throws Exception {
    try (JsonParser p = new JsonFactory().createParser(text)) {
      while (p.nextToken() != null) {
        assertThat(p.currentToken()).isNotEqualTo(JsonToken.NOT_AVAILABLE);
      }
    }
  }
}
