package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.ExportResults;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.testing.tls.TestCa;
import io.stacklens.agent.testing.tls.TestCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on the OTLP receiver, with a CA, server and client certificates the test
 * makes: the official OpenTelemetry Java SDK exports over TLS on gRPC and HTTP, with and without a
 * client certificate; curl with and without a token over HTTPS; a client certificate from another
 * CA, or an expired one, is refused during the handshake and counted.
 */
class ReceiverTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOKEN = "tls-tok-81c2";

  @TempDir Path dir;

  private TestCa ca;
  private TestCertificate server;

  @BeforeEach
  void makeCertificates() {
    ca = TestCa.create(dir.resolve("pki"), "test-ca");
    server = ca.server("agent", "127.0.0.1", "localhost");
  }

  /** Both OTLP protocols over TLS; with {@code mutual}, client certificates from the test CA. */
  private RunningAgent start(boolean mutual, String httpExtra) throws Exception {
    String tls =
        "tls: { cert_file: %s, key_file: %s%s }"
            .formatted(
                Configs.yamlString(server.certFile()),
                Configs.yamlString(server.keyFile()),
                mutual ? ", client_ca_file: " + Configs.yamlString(ca.certFile()) : "");
    String yaml =
        Configs.logsToFile(out(), "json_lines")
            .replace(
                "grpc: { endpoint: 127.0.0.1:0 }", "grpc: { endpoint: 127.0.0.1:0, " + tls + " }")
            .replace(
                "http: { endpoint: 127.0.0.1:0 }",
                "http: { endpoint: 127.0.0.1:0, " + tls + httpExtra + " }");
    return RunningAgent.start(RunningAgent.load(yaml, Map.of("INGEST_TOKEN", TOKEN)));
  }

  private Path out() {
    return dir.resolve("logs.jsonl");
  }

  private String written() throws IOException {
    return Files.exists(out()) ? Files.readString(out()) : "";
  }

  private static long refusedHandshakes(RunningAgent agent, String transport) {
    return agent
        .metrics()
        .counterValue(
            ServerRefusals.REFUSED_CONNECTIONS,
            "receiver",
            "otlp",
            "transport",
            transport,
            "reason",
            ServerRefusals.TLS_HANDSHAKE);
  }

  private byte[] caPem() throws IOException {
    return Files.readAllBytes(ca.certFile());
  }

  /** Emits one log record through the SDK with {@code exporter}: whether its export succeeded. */
  private static boolean export(LogRecordExporter exporter, String body) {
    return ExportResults.exportOneLog(exporter, body, WAIT);
  }

  private static OtlpGrpcLogRecordExporter grpc(
      RunningAgent agent, byte[] trusted, TestCertificate client) throws IOException {
    var builder =
        OtlpGrpcLogRecordExporter.builder()
            .setEndpoint("https://127.0.0.1:" + agent.grpcPort())
            .setTimeout(Duration.ofSeconds(20))
            .setTrustedCertificates(trusted);
    if (client != null) {
      builder.setClientTls(
          Files.readAllBytes(client.keyFile()), Files.readAllBytes(client.certFile()));
    }
    return builder.build();
  }

  private static OtlpHttpLogRecordExporter http(
      RunningAgent agent, byte[] trusted, TestCertificate client) throws IOException {
    var builder =
        OtlpHttpLogRecordExporter.builder()
            .setEndpoint("https://127.0.0.1:" + agent.httpPort() + "/v1/logs")
            .setTimeout(Duration.ofSeconds(20))
            .setTrustedCertificates(trusted);
    if (client != null) {
      builder.setClientTls(
          Files.readAllBytes(client.keyFile()), Files.readAllBytes(client.certFile()));
    }
    return builder.build();
  }

  @Test
  void theSdkExportsOverTlsOnGrpcAndHttp() throws Exception {
    try (RunningAgent agent = start(false, "")) {
      assertThat(export(grpc(agent, caPem(), null), "over-grpc-tls")).isTrue();
      assertThat(export(http(agent, caPem(), null), "over-http-tls")).isTrue();

      await()
          .atMost(WAIT)
          .until(() -> written().contains("over-grpc-tls") && written().contains("over-http-tls"));
    }
  }

  @Test
  void aClientThatDoesNotTrustTheServersCaCannotExport() throws Exception {
    TestCa other = TestCa.create(dir.resolve("other"), "other-ca");
    try (RunningAgent agent = start(false, "")) {
      byte[] wrongCa = Files.readAllBytes(other.certFile());

      assertThat(export(grpc(agent, wrongCa, null), "grpc-untrusted")).isFalse();
      assertThat(export(http(agent, wrongCa, null), "http-untrusted")).isFalse();

      // The client hangs up on the server's certificate; the server counts each failed handshake.
      await().atMost(WAIT).until(() -> refusedHandshakes(agent, "grpc") >= 1);
      await().atMost(WAIT).until(() -> refusedHandshakes(agent, "http") >= 1);
      assertThat(written()).doesNotContain("untrusted");
    }
  }

  @Test
  void mutualTlsServesOnlyClientCertificatesFromTheClientCa() throws Exception {
    TestCa other = TestCa.create(dir.resolve("other"), "other-ca");
    TestCertificate expired =
        ca.issue(
            "expired-app",
            false,
            Instant.now().minus(Duration.ofDays(30)),
            Instant.now().minus(Duration.ofDays(1)));
    try (RunningAgent agent = start(true, "")) {
      TestCertificate app = ca.client("app-1");

      assertThat(export(grpc(agent, caPem(), app), "grpc-mtls")).isTrue();
      assertThat(export(http(agent, caPem(), app), "http-mtls")).isTrue();

      assertThat(export(grpc(agent, caPem(), null), "grpc-no-cert")).isFalse();
      assertThat(export(grpc(agent, caPem(), other.client("intruder")), "grpc-other-ca")).isFalse();
      assertThat(export(grpc(agent, caPem(), expired), "grpc-expired")).isFalse();
      assertThat(export(http(agent, caPem(), null), "http-no-cert")).isFalse();
      assertThat(export(http(agent, caPem(), expired), "http-expired")).isFalse();

      await()
          .atMost(WAIT)
          .until(() -> written().contains("grpc-mtls") && written().contains("http-mtls"));
      assertThat(written())
          .doesNotContain("no-cert")
          .doesNotContain("other-ca")
          .doesNotContain("expired");
      assertThat(refusedHandshakes(agent, "grpc")).isGreaterThanOrEqualTo(3);
      assertThat(refusedHandshakes(agent, "http")).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void curlPostsOverHttpsOnlyWithTheTokenAndPlainHttpIsToldToUseHttps() throws Exception {
    try (RunningAgent agent = start(false, ", auth: { bearer_token: \"${env:INGEST_TOKEN}\" }")) {
      String url = "https://127.0.0.1:" + agent.httpPort() + "/v1/logs";
      String body =
          "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\""
              + "from-curl\"}}]}]}]}";

      Curl withToken =
          curl(
              "--cacert",
              ca.certFile().toString(),
              "-H",
              "Authorization: Bearer " + TOKEN,
              "-H",
              "Content-Type: application/json",
              "--data",
              body,
              url);
      Curl withoutToken =
          curl(
              "--cacert",
              ca.certFile().toString(),
              "-H",
              "Content-Type: application/json",
              "--data",
              body.replace("from-curl", "curl-no-token"),
              url);
      Curl plaintext =
          curl(
              "-H",
              "Content-Type: application/json",
              "--data",
              body.replace("from-curl", "curl-plaintext"),
              url.replace("https://", "http://"));
      Curl untrusting = curl("-H", "Content-Type: application/json", "--data", body, url);

      assertThat(withToken.status).as(withToken.output).isEqualTo("200");
      assertThat(withoutToken.status).as(withoutToken.output).isEqualTo("401");
      assertThat(plaintext.status).as(plaintext.output).isEqualTo("400");
      assertThat(plaintext.output).contains("this port speaks TLS");
      assertThat(untrusting.exitCode)
          .as("curl without --cacert must refuse the certificate")
          .isEqualTo(60);
      await().atMost(WAIT).until(() -> written().contains("from-curl"));
      assertThat(written()).doesNotContain("curl-no-token").doesNotContain("curl-plaintext");
    }
  }

  /** What curl printed (body, then the status code on the last line) and how it exited. */
  private record Curl(int exitCode, String status, String output) {}

  private static Curl curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
    command.addAll(List.of(args));
    command.addAll(List.of("-w", "\n%{http_code}"));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("this test needs curl on the PATH (apt-get install curl)", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("curl finished").isTrue();
    String[] lines = output.strip().split("\n");
    return new Curl(process.exitValue(), lines[lines.length - 1].strip(), output);
  }
}
