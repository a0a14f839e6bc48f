package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.OtlpClient;
import io.stacklens.agent.it.support.RawHttp;
import io.stacklens.agent.it.support.RunningAgent;
import io.stacklens.agent.testing.PrometheusExposition;
import io.stacklens.agent.testing.Promtool;
import io.stacklens.receiver.httpjson.HttpJsonReceiver;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a running agent with most component kinds (both OTLP transports, the JSON
 * ingest endpoint, processors that count, routing, two pipelines sharing a receiver, file and debug
 * exporters) after traffic that fills the refusal and drop counters, is valid Prometheus text:
 * checked by {@link PrometheusExposition} always, and by {@code promtool check metrics} where it is
 * installed.
 */
class MetricsExpositionTest {
  @TempDir Path dir;
  private RunningAgent agent;

  @BeforeEach
  void startAndSend() throws Exception {
    agent =
        RunningAgent.start(
            Configs.OTLP_RECEIVER
                + """
          http_json:
            endpoint: 127.0.0.1:0
        processors:
          parse: { source: body, format: json }
          filter: { exclude: 'body == "drop me"' }
          transform: { actions: [ { action: redact, preset: email } ] }
          rules:
            rules:
              - { name: timeout, when: error_code == "TIMEOUT", issue_code: TIMEOUT, severity: info }
          route:
            routes:
              - { name: alerts, when: alert.issue_code exists, exporters: [file/alerts] }
            default: [file/all]
        exporters:
          file/all: { path: %s, flush_interval: 0, batch: { flush_timeout: 20ms } }
          file/alerts: { path: %s, flush_interval: 0, batch: { flush_timeout: 20ms } }
          debug: { verbosity: basic }
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          pipelines:
            logs: { receivers: [otlp, http_json], processors: [parse, filter, transform, rules, route], exporters: [file/all, file/alerts] }
            logs/console: { receivers: [otlp], exporters: [debug] }
            traces: { receivers: [otlp], exporters: [debug] }
            metrics: { receivers: [otlp], exporters: [debug] }
        """
                    .formatted(
                        Configs.yamlString(dir.resolve("all.jsonl")),
                        Configs.yamlString(dir.resolve("alerts.jsonl"))));
    OtlpClient.GRPC.send(
        agent, records("{\"error_code\":\"TIMEOUT\"}", "not json", "drop me", "mail a@b.example"));
    OtlpClient.HTTP_PROTOBUF.send(agent, records("{\"error_code\":\"OTHER\"}"));
    RawHttp.post(
        agent.httpUrl("/v1/logs"),
        RawHttp.PROTOBUF,
        new byte[] {(byte) 0xff, 0x01}); // malformed: counted
    String ingest = "http://127.0.0.1:" + httpJson().port() + "/ingest";
    HttpResponse<byte[]> accepted =
        RawHttp.post(
            ingest, RawHttp.JSON, "[{\"body\":\"hello\"}, 5]".getBytes(StandardCharsets.UTF_8));
    assertThat(accepted.statusCode()).isLessThan(500);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                agent
                        .metrics()
                        .counterSum("stacklens_exporter_sent_records_total", "exporter", "debug")
                    >= 5);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void metricsArePrometheusTextThatPromtoolAccepts() throws Exception {
    HttpResponse<String> r = RawHttp.get("http://127.0.0.1:" + agent.adminPort() + "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    String text = r.body();
    assertThat(text)
        .contains(
            "# TYPE stacklens_jvm_gc_collections_total counter\n",
            "# TYPE stacklens_jvm_gc_time_seconds_total counter\n",
            "# TYPE stacklens_pipeline_dropped_records_total counter\n",
            "stacklens_processor_routed_records_total{",
            "stacklens_receiver_refused_requests_total{",
            "stacklens_exporter_send_duration_seconds_bucket{");
    assertThat(
            text.lines()
                .filter(l -> l.startsWith("# HELP stacklens_pipeline_dropped_records_total ")))
        .hasSize(1);
    assertThat(PrometheusExposition.problems(text)).as("problems in:\n%s", text).isEmpty();

    Optional<Path> promtool = Promtool.find();
    assumeThat(promtool).as(Promtool.MISSING).isPresent();
    Promtool.Result check = Promtool.checkMetrics(promtool.get(), text);
    assertThat(check.exitCode())
        .as("promtool check metrics:\n%s\non:\n%s", check.output(), text)
        .isZero();
    assertThat(check.output()).as("promtool's lint warnings").isBlank();
  }

  private HttpJsonReceiver httpJson() {
    return agent.agent().service().receivers().values().stream()
        .filter(HttpJsonReceiver.class::isInstance)
        .map(HttpJsonReceiver.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static ExportLogsServiceRequest records(String... bodies) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (String b : bodies)
      scope.addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(b)));
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
        .build();
  }
}
