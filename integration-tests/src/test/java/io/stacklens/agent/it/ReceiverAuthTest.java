package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ConfigRenderer;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.ExportResults;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.telemetry.ServerRefusals;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth} on the OTLP receiver (gRPC and HTTP) and on the admin endpoint, against the official
 * OpenTelemetry Java SDK's exporters and the JDK's HTTP client: the right token is served, a
 * missing or wrong one is refused (401 / UNAUTHENTICATED) and counted, and the token never shows in
 * print-config.
 */
class ReceiverAuthTest {
  private static final String TOKEN = "tok-3f9a2c71";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private AgentConfig config() {
    String yaml =
        Configs.logsToFile(out(), "json_lines")
            .replace(
                "grpc: { endpoint: 127.0.0.1:0 }",
                "grpc: { endpoint: 127.0.0.1:0, auth: { bearer_token: \"${env:INGEST_TOKEN}\" } }")
            .replace(
                "http: { endpoint: 127.0.0.1:0 }",
                "http: { endpoint: 127.0.0.1:0, auth: { bearer_token: \"${env:INGEST_TOKEN}\" } }")
            .replace(
                "telemetry: { endpoint: 127.0.0.1:0 }",
                "telemetry: { endpoint: 127.0.0.1:0, auth: { basic: { username: ops, password:"
                    + " \"${env:ADMIN_PASSWORD}\" } } }");
    assertThat(yaml).contains("INGEST_TOKEN}", "ADMIN_PASSWORD}").doesNotContain(TOKEN);
    return RunningAgent.load(yaml, Map.of("INGEST_TOKEN", TOKEN, "ADMIN_PASSWORD", "adm-pw-1"));
  }

  private static long unauthenticated(RunningAgent agent, String transport) {
    return agent
        .metrics()
        .counterValue(
            ServerRefusals.REFUSED_REQUESTS,
            "receiver",
            "otlp",
            "transport",
            transport,
            "reason",
            ServerRefusals.UNAUTHENTICATED);
  }

  private Path out() {
    return dir.resolve("logs.jsonl");
  }

  private String written() throws IOException {
    return Files.exists(out()) ? Files.readString(out()) : "";
  }

  /** Emits one log record through the SDK with {@code exporter}: whether its export succeeded. */
  private static boolean export(LogRecordExporter exporter, String body) {
    return ExportResults.exportOneLog(exporter, body, WAIT);
  }

  @Test
  void theSdkExportsOverGrpcOnlyWithTheToken() throws Exception {
    try (RunningAgent agent = RunningAgent.start(config())) {
      String endpoint = "http://127.0.0.1:" + agent.grpcPort();

      assertThat(export(OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).build(), "none"))
          .as("no token")
          .isFalse();
      assertThat(
              export(
                  OtlpGrpcLogRecordExporter.builder()
                      .setEndpoint(endpoint)
                      .addHeader("Authorization", "Bearer not-the-token")
                      .build(),
                  "wrong"))
          .as("a wrong token")
          .isFalse();
      assertThat(unauthenticated(agent, "grpc")).isEqualTo(2);

      assertThat(
              export(
                  OtlpGrpcLogRecordExporter.builder()
                      .setEndpoint(endpoint)
                      .addHeader("Authorization", "Bearer " + TOKEN)
                      .build(),
                  "grpc-with-token"))
          .isTrue();
      await().atMost(WAIT).until(() -> written().contains("grpc-with-token"));
      assertThat(written()).doesNotContain("\"none\"", "\"wrong\"");
    }
  }

  @Test
  void theSdkExportsOverHttpOnlyWithTheTokenAndARefusalIsAnOtlpStatus() throws Exception {
    try (RunningAgent agent = RunningAgent.start(config())) {
      String url = agent.httpUrl("/v1/logs");

      assertThat(export(OtlpHttpLogRecordExporter.builder().setEndpoint(url).build(), "none"))
          .isFalse();
      assertThat(
              export(
                  OtlpHttpLogRecordExporter.builder()
                      .setEndpoint(url)
                      .addHeader("Authorization", "Bearer " + TOKEN)
                      .build(),
                  "http-with-token"))
          .isTrue();
      await().atMost(WAIT).until(() -> written().contains("http-with-token"));

      HttpResponse<String> refused =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url))
                      .header("Content-Type", "application/json")
                      .header("Authorization", "Bearer guess")
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"stacklens\"");
      assertThat(refused.body())
          .contains("\"code\":16") // google.rpc.Code UNAUTHENTICATED
          .contains("not the configured one")
          .doesNotContain("guess");
      assertThat(unauthenticated(agent, "http")).isEqualTo(2);
    }
  }

  @Test
  void theAdminEndpointAsksForItsOwnCredential() throws Exception {
    try (RunningAgent agent = RunningAgent.start(config())) {
      HttpClient client = HttpClient.newHttpClient();
      URI metrics = URI.create("http://127.0.0.1:" + agent.adminPort() + "/metrics");

      HttpResponse<String> without =
          client.send(
              HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(without.statusCode()).isEqualTo(401);
      assertThat(without.headers().firstValue("WWW-Authenticate"))
          .hasValue("Basic realm=\"stacklens\"");

      HttpResponse<String> with =
          client.send(
              HttpRequest.newBuilder(metrics)
                  .header("Authorization", "Basic b3BzOmFkbS1wdy0x") // ops:adm-pw-1
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(with.statusCode()).isEqualTo(200);
      assertThat(with.body()).contains("stacklens_receiver_refused_requests_total");
    }
  }

  @Test
  void printConfigNeverShowsTheCredentials() {
    String rendered = ConfigRenderer.render(config(), true);

    assertThat(rendered).doesNotContain(TOKEN, "adm-pw-1").contains("bearer_token: <redacted>");
  }
}
