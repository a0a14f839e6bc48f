package io.stacklens.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.Code;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.testing.CollectingConsumer;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP server protections as the OTLP/HTTP receiver configures and answers them. */
class OtlpHttpProtectionTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final CollectingConsumer logs = new CollectingConsumer();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private OtlpReceiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) receiver.shutdown(Instant.now().plusSeconds(5));
  }

  private void start(OtlpReceiverConfig config, MemoryLimiter memory) throws Exception {
    config.protocols.grpc = null;
    ComponentContext context =
        ComponentContext.of(ComponentId.of("otlp"), ComponentKind.RECEIVER, metrics);
    receiver =
        (OtlpReceiver)
            new OtlpReceiverFactory()
                .createReceiver(context, config, Map.<Signal, Consumer>of(Signal.LOGS, logs));
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

  private HttpResponse<byte[]> postLogs(byte[] body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/logs"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void anExhaustedMemoryBudgetIs429WithAStatusBodyAndRetryAfter() throws Exception {
    MemoryLimiter memory = new MemoryLimiter(1_000_000);
    start(ReceiverFixture.config(), memory);
    memory.forceAcquire(999_990);
    var r = postLogs(TestData.logs(3).toByteArray());
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after"))
        .hasValue("2"); // retry_after 1500ms, rounded up
    assertThat(r.headers().firstValue("content-type")).hasValue("application/x-protobuf");
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(r.body());
    assertThat(status.getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(status.getMessage()).contains("memory budget");
    assertThat(
            metrics.counterValue(
                ServerRefusals.REFUSED_REQUESTS,
                "receiver",
                "otlp",
                "transport",
                "http",
                "reason",
                "memory_limit"))
        .isEqualTo(1);
    assertThat(logs.records()).isZero();

    memory.release(999_990);
    assertThat(postLogs(TestData.logs(3).toByteArray()).statusCode()).isEqualTo(200);
    assertThat(logs.records()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(20)).until(() -> memory.used() == 0);
  }

  @Test
  void theServerSettingsSitUnderProtocolsHttpAndApply() throws Exception {
    OtlpReceiverConfig config = ReceiverFixture.config();
    config.protocols.http.readHeaderTimeout = Duration.ofMillis(300);
    start(config, MemoryLimiter.unlimited());
    try (Socket silent = new Socket("127.0.0.1", receiver.httpPort())) {
      silent.setSoTimeout(20_000);
      assertThat(silent.getInputStream().read()).isEqualTo(-1);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                metrics.counterValue(
                        ServerRefusals.REFUSED_CONNECTIONS,
                        "receiver",
                        "otlp",
                        "transport",
                        "http",
                        "reason",
                        "header_timeout")
                    == 1);
    assertThat(postLogs(TestData.logs(1).toByteArray()).statusCode()).isEqualTo(200);
  }
}
