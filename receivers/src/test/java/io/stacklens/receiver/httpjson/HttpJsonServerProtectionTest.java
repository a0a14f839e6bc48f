package io.stacklens.receiver.httpjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.testing.StubFactories;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP server protections as the http_json receiver configures and answers them. */
class HttpJsonServerProtectionTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HttpJsonReceiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) receiver.shutdown(Instant.now().plusSeconds(5));
  }

  private void start(HttpJsonReceiverConfig config, MemoryLimiter memory) throws Exception {
    ComponentContext context =
        ComponentContext.of(ComponentId.of("http_json"), ComponentKind.RECEIVER, metrics);
    Consumer accept = (Batch b) -> io.stacklens.agent.api.Admission.ACCEPTED;
    receiver =
        (HttpJsonReceiver)
            new HttpJsonReceiverFactory()
                .createReceiver(context, config, Map.of(Signal.LOGS, accept));
    receiver.start(
        new Host() {
          @Override
          public void reportStatus(
              ComponentId id, ComponentKind kind, ComponentStatus status, String detail) {}

          @Override
          public MemoryLimiter memoryLimiter() {
            return memory;
          }
        });
  }

  private HttpResponse<String> post(String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/ingest"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anExhaustedMemoryBudgetIs429WithAJsonBodyAndRetryAfter() throws Exception {
    MemoryLimiter memory =
        new MemoryLimiter(4000); // room for a small record decoded, not for a 5 KB body
    start(IngestFixture.config(), memory);
    var r = post("{\"message\":\"" + "m".repeat(5000) + "\"}");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.headers().firstValue("retry-after"))
        .hasValue("2"); // retry_after 1500ms, rounded up
    assertThat(r.body())
        .contains(
            "\"error\":\"the agent's memory budget is spent",
            "service.memory_limiter",
            "nothing was accepted");
    assertThat(
            metrics.counterValue(
                ServerRefusals.REFUSED_REQUESTS,
                "receiver",
                "http_json",
                "transport",
                "http",
                "reason",
                "memory_limit"))
        .isEqualTo(1);
    assertThat(post("{\"message\":\"small\"}").statusCode()).isEqualTo(200);
  }

  @Test
  void theServerSettingsAreTopLevelKeysAndApply() throws Exception {
    HttpJsonReceiverConfig config = IngestFixture.config();
    config.readHeaderTimeout = Duration.ofMillis(300);
    config.maxHeaderSize = new ByteSize(1024);
    start(config, MemoryLimiter.unlimited());
    try (Socket silent = new Socket("127.0.0.1", receiver.port())) {
      silent.setSoTimeout(20_000);
      InputStream in = silent.getInputStream();
      assertThat(in.read()).isEqualTo(-1);
    }
    try (Socket big = new Socket("127.0.0.1", receiver.port())) {
      big.setSoTimeout(20_000);
      big.getOutputStream()
          .write(
              ("GET /ingest HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(big.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 431").contains("(max_header_size)");
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                metrics.counterValue(
                        ServerRefusals.REFUSED_CONNECTIONS,
                        "receiver",
                        "http_json",
                        "transport",
                        "http",
                        "reason",
                        "header_timeout")
                    == 1);
    assertThat(post("{\"message\":\"still served\"}").statusCode()).isEqualTo(200);
  }

  @Test
  void configBindsAndValidatesTheServerSettings() {
    String yaml =
        """
        receivers:
          http_json:
            read_header_timeout: 5s
            read_timeout: 2s
            idle_timeout: 90s
            max_connections: 50
            max_header_size: 8KiB
        exporters: { debug: }
        service:
          pipelines:
            logs: { receivers: [http_json], exporters: [debug] }
        """;
    ComponentRegistry registry =
        ComponentRegistry.of(new HttpJsonReceiverFactory(), StubFactories.exporter("debug"));
    LoadResult r = new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
    assertThat(r.problems())
        .extracting(p -> p.path() + ": " + p.message())
        .containsExactly(
            "receivers.http_json.read_timeout: must be at least read_header_timeout (5s): it covers the headers too; got 2s");

    LoadResult ok =
        new ConfigLoader(registry, Map.of())
            .loadString(yaml.replace("read_timeout: 2s", "read_timeout: 20s"), "agent.yaml");
    assertThat(ok.problems()).isEmpty();
    HttpJsonReceiverConfig c =
        (HttpJsonReceiverConfig)
            ok.config()
                .orElseThrow()
                .components(ComponentKind.RECEIVER)
                .get(ComponentId.of("http_json"));
    assertThat(c.readHeaderTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.readTimeout).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.idleTimeout).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.maxConnections).isEqualTo(50);
    assertThat(c.maxHeaderSize).isEqualTo(new ByteSize(8 * 1024));
  }
}
