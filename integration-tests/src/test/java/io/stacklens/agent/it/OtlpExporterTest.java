package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.Code;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.OtlpClient;
import io.stacklens.agent.it.support.RawHttp;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.it.support.ScriptedOtlpSink;
import io.stacklens.agent.it.support.ScriptedOtlpSink.GrpcStatus;
import io.stacklens.agent.it.support.ScriptedOtlpSink.HttpStatus;
import io.stacklens.agent.it.support.ScriptedOtlpSink.Partial;
import io.stacklens.agent.it.support.VariedLogs;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.testing.tls.TestCa;
import io.stacklens.agent.testing.tls.TestCertificate;
import io.stacklens.exporter.file.FileRecordsReader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code otlp} and {@code otlphttp} exporters: agent to agent (every record of the OTLP
 * specification's examples arrives, for each transport, encoding and compression, and over mutual
 * TLS), and against servers scripted to answer as the OTLP specification lets them: retryable
 * codes, {@code RetryInfo} and {@code Retry-After} honoured, {@code partial_success} counted as
 * rejected and not retried, permanent errors not retried.
 */
class OtlpExporterTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /** Agent A: the OTLP receiver, every signal to {@code exporter} (YAML of one exporter). */
  private static String forwarder(String exporterId, String exporterBody) {
    return """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:0 }
              http: { endpoint: 127.0.0.1:0 }
        exporters:
          %s:
        %s
            timeout: 20s
            batch: { flush_timeout: 20ms }
            retry_on_failure: { initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 2m }
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          shutdown_timeout: 10s
          pipelines:
            logs: { receivers: [otlp], exporters: [%s] }
            traces: { receivers: [otlp], exporters: [%s] }
            metrics: { receivers: [otlp], exporters: [%s] }
        """
        .formatted(
            exporterId, exporterBody.indent(4).stripTrailing(), exporterId, exporterId, exporterId);
  }

  private static long sent(RunningAgent agent, String exporter, String signal) {
    return agent
        .metrics()
        .counterValue(
            "stacklens_exporter_sent_records_total", "exporter", exporter, "signal", signal);
  }

  private static long failed(RunningAgent agent, String exporter, String reason) {
    return agent
        .metrics()
        .counterValue(
            "stacklens_exporter_send_failed_records_total",
            "exporter",
            exporter,
            "signal",
            "logs",
            "permanent",
            "true",
            "reason",
            reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "otlp|compression: gzip",
        "otlp|compression: zstd",
        "otlp|compression: none",
        "otlphttp|compression: gzip",
        "otlphttp|compression: zstd\nencoding: json",
        "otlphttp|compression: none\nencoding: json"
      })
  void everyRecordOfEverySignalArrivesAtTheNextAgent(String variant) throws Exception {
    String type = variant.substring(0, variant.indexOf('|'));
    String settings = variant.substring(variant.indexOf('|') + 1);
    Path gatewayDir = Files.createDirectories(dir.resolve("gateway"));
    try (RunningAgent gateway = RunningAgent.start(Configs.otlpToFiles(gatewayDir))) {
      String endpoint =
          type.equals("otlp")
              ? "endpoint: http://127.0.0.1:" + gateway.grpcPort()
              : "endpoint: http://127.0.0.1:" + gateway.httpPort();
      try (RunningAgent agent = RunningAgent.start(forwarder(type, endpoint + "\n" + settings))) {
        byte[] logs = example("logs.json");
        byte[] traces = example("trace.json");
        byte[] metrics = example("metrics.json");
        assertThat(RawHttp.post(agent.httpUrl("/v1/logs"), RawHttp.JSON, logs).statusCode())
            .isEqualTo(200);
        assertThat(RawHttp.post(agent.httpUrl("/v1/traces"), RawHttp.JSON, traces).statusCode())
            .isEqualTo(200);
        assertThat(RawHttp.post(agent.httpUrl("/v1/metrics"), RawHttp.JSON, metrics).statusCode())
            .isEqualTo(200);

        List<LogRecord> expected = records(OtlpJson.parseLogs(logs));
        await()
            .atMost(WAIT)
            .until(
                () ->
                    Files.exists(Configs.logs(gatewayDir))
                        && FileRecordsReader.readLines(Configs.logs(gatewayDir)).size()
                            == expected.size()
                        && Files.exists(Configs.traces(gatewayDir))
                        && Files.exists(Configs.metrics(gatewayDir)));
        List<LogRecord> arrived = records(FileRecordsReader.readAllLogs(Configs.logs(gatewayDir)));
        for (int i = 0; i < expected.size(); i++) {
          assertThat(arrived.get(i).sameAs(expected.get(i)))
              .as("record %d: %s vs %s", i, arrived.get(i), expected.get(i))
              .isTrue();
        }
        ExportTraceServiceRequest tracesSent = OtlpJson.parseTraces(traces);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    FileRecordsReader.readTraceRequests(Configs.traces(gatewayDir)).stream()
                        .anyMatch(r -> r.equals(tracesSent)));
        ExportMetricsServiceRequest metricsSent = OtlpJson.parseMetrics(metrics);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    FileRecordsReader.readMetricRequests(Configs.metrics(gatewayDir)).stream()
                        .anyMatch(r -> r.equals(metricsSent)));
        assertThat(sent(agent, type, "logs")).isEqualTo(expected.size());
      }
    }
  }

  @Test
  void exportsOverMutualTlsToAnAgentThatRequiresClientCertificates() throws Exception {
    TestCa ca = TestCa.create(dir.resolve("pki"), "test-ca");
    TestCertificate server = ca.server("gateway", "127.0.0.1", "localhost");
    TestCertificate client = ca.client("edge-agent");
    String tls =
        "tls: { cert_file: %s, key_file: %s, client_ca_file: %s }"
            .formatted(
                Configs.yamlString(server.certFile()),
                Configs.yamlString(server.keyFile()),
                Configs.yamlString(ca.certFile()));
    Path gatewayDir = Files.createDirectories(dir.resolve("gateway"));
    String gatewayYaml =
        Configs.otlpToFiles(gatewayDir)
            .replace(
                "grpc: { endpoint: 127.0.0.1:0 }", "grpc: { endpoint: 127.0.0.1:0, " + tls + " }")
            .replace(
                "http: { endpoint: 127.0.0.1:0 }", "http: { endpoint: 127.0.0.1:0, " + tls + " }");
    String clientTls =
        "tls: { ca_file: %s, cert_file: %s, key_file: %s }"
            .formatted(
                Configs.yamlString(ca.certFile()),
                Configs.yamlString(client.certFile()),
                Configs.yamlString(client.keyFile()));
    try (RunningAgent gateway = RunningAgent.start(gatewayYaml)) {
      try (RunningAgent grpc =
              RunningAgent.start(
                  forwarder(
                      "otlp", "endpoint: localhost:" + gateway.grpcPort() + "\n" + clientTls));
          RunningAgent http =
              RunningAgent.start(
                  forwarder(
                      "otlphttp",
                      "endpoint: https://localhost:" + gateway.httpPort() + "\n" + clientTls))) {
        OtlpClient.GRPC.send(grpc, VariedLogs.request());
        OtlpClient.GRPC.send(http, VariedLogs.request());

        int expected = 2 * VariedLogs.recordCount();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    Files.exists(Configs.logs(gatewayDir))
                        && FileRecordsReader.readLines(Configs.logs(gatewayDir)).size()
                            == expected);
        assertThat(sent(grpc, "otlp", "logs")).isEqualTo(VariedLogs.recordCount());
        assertThat(sent(http, "otlphttp", "logs")).isEqualTo(VariedLogs.recordCount());
      }
    }
  }

  @Test
  void grpcHonoursRetryInfoRetriesUnavailableAndCountsPartialSuccessWithoutRetrying()
      throws Exception {
    int n = VariedLogs.recordCount();
    try (ScriptedOtlpSink sink =
            ScriptedOtlpSink.grpc()
                .then(new GrpcStatus(Code.RESOURCE_EXHAUSTED, "slow down", Duration.ofSeconds(1)))
                .then(new GrpcStatus(Code.UNAVAILABLE, "restarting", null))
                .then(new Partial(3, "3 records too old"));
        RunningAgent agent =
            RunningAgent.start(forwarder("otlp", "endpoint: http://127.0.0.1:" + sink.port()))) {
      OtlpClient.GRPC.send(agent, VariedLogs.request());

      await().atMost(WAIT).until(() -> sent(agent, "otlp", "logs") == n - 3);
      assertThat(failed(agent, "otlp", "partial_success")).isEqualTo(3);
      List<ScriptedOtlpSink.Call> calls = sink.calls();
      assertThat(calls).hasSize(3).allSatisfy(c -> assertThat(c.records()).isEqualTo(n));
      assertThat(TimeUnit.NANOSECONDS.toMillis(calls.get(1).nanoTime() - calls.get(0).nanoTime()))
          .as("the wait after RESOURCE_EXHAUSTED with a RetryInfo of 1s")
          .isGreaterThanOrEqualTo(950);
    }
  }

  @Test
  void grpcPermanentErrorsAreNotRetried() throws Exception {
    int n = VariedLogs.recordCount();
    try (ScriptedOtlpSink sink =
            ScriptedOtlpSink.grpc()
                .then(new GrpcStatus(Code.INVALID_ARGUMENT, "bad records", null))
                .then(new GrpcStatus(Code.RESOURCE_EXHAUSTED, "quota gone for good", null));
        RunningAgent agent =
            RunningAgent.start(forwarder("otlp", "endpoint: http://127.0.0.1:" + sink.port()))) {
      OtlpClient.GRPC.send(agent, VariedLogs.request());
      await().atMost(WAIT).until(() -> failed(agent, "otlp", "invalid_argument") == n);
      OtlpClient.GRPC.send(agent, VariedLogs.request());
      await().atMost(WAIT).until(() -> failed(agent, "otlp", "resource_exhausted") == n);

      assertThat(sink.calls()).hasSize(2);
      assertThat(sent(agent, "otlp", "logs")).isZero();
    }
  }

  @Test
  void httpHonoursRetryAfterRetries503AndCountsPartialSuccessWithoutRetrying() throws Exception {
    int n = VariedLogs.recordCount();
    try (ScriptedOtlpSink sink =
            ScriptedOtlpSink.http()
                .then(new HttpStatus(429, "1"))
                .then(new HttpStatus(503, null))
                .then(new Partial(2, "2 records refused"));
        RunningAgent agent =
            RunningAgent.start(
                forwarder(
                    "otlphttp",
                    "endpoint: http://127.0.0.1:" + sink.port() + "\ncompression: zstd"))) {
      OtlpClient.GRPC.send(agent, VariedLogs.request());

      await().atMost(WAIT).until(() -> sent(agent, "otlphttp", "logs") == n - 2);
      assertThat(failed(agent, "otlphttp", "partial_success")).isEqualTo(2);
      List<ScriptedOtlpSink.Call> calls = sink.calls();
      assertThat(calls)
          .hasSize(3)
          .allSatisfy(
              c -> {
                assertThat(c.records()).isEqualTo(n);
                assertThat(c.encoding()).isEqualTo("zstd");
              });
      assertThat(TimeUnit.NANOSECONDS.toMillis(calls.get(1).nanoTime() - calls.get(0).nanoTime()))
          .as("the wait after 429 with Retry-After: 1")
          .isGreaterThanOrEqualTo(950);
    }
  }

  @Test
  void httpClientErrorsArePermanentAndNamedByStatus() throws Exception {
    int n = VariedLogs.recordCount();
    try (ScriptedOtlpSink sink = ScriptedOtlpSink.http().then(new HttpStatus(400, null));
        RunningAgent agent =
            RunningAgent.start(
                forwarder("otlphttp", "endpoint: http://127.0.0.1:" + sink.port()))) {
      OtlpClient.GRPC.send(agent, VariedLogs.request());

      await().atMost(WAIT).until(() -> failed(agent, "otlphttp", "http_400") == n);
      assertThat(sink.calls()).hasSize(1);
    }
  }

  @Test
  void headersFromTheEnvironmentAreSentAndNeverPrinted() throws Exception {
    Path gatewayDir = Files.createDirectories(dir.resolve("gateway"));
    String gatewayYaml =
        Configs.otlpToFiles(gatewayDir)
            .replace(
                "grpc: { endpoint: 127.0.0.1:0 }",
                "grpc: { endpoint: 127.0.0.1:0, auth: { bearer_token: \"${env:T}\" } }");
    try (RunningAgent gateway =
        RunningAgent.start(RunningAgent.load(gatewayYaml, Map.of("T", "hdr-secret-7")))) {
      var config =
          RunningAgent.load(
              forwarder(
                  "otlp",
                  "endpoint: http://127.0.0.1:"
                      + gateway.grpcPort()
                      + "\nheaders: { authorization: \"Bearer ${env:T}\" }"),
              Map.of("T", "hdr-secret-7"));
      assertThat(io.stacklens.agent.config.ConfigRenderer.render(config, true))
          .doesNotContain("hdr-secret-7")
          .contains("authorization: <redacted>");
      try (RunningAgent agent = RunningAgent.start(config)) {
        OtlpClient.GRPC.send(agent, VariedLogs.request());
        await().atMost(WAIT).until(() -> sent(agent, "otlp", "logs") == VariedLogs.recordCount());
      }
    }
  }

  private static List<LogRecord> records(ExportLogsServiceRequest request) {
    return records(OtlpLogs.fromProto(request));
  }

  private static List<LogRecord> records(io.stacklens.agent.data.LogsBatch batch) {
    List<LogRecord> out = new ArrayList<>();
    batch.forEachRecord(out::add);
    return out;
  }

  private static byte[] example(String name) throws Exception {
    try (InputStream in = OtlpExporterTest.class.getResourceAsStream("/otlp-examples/" + name)) {
      assertThat(in).as("test resource otlp-examples/%s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
