package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.OtlpClient;
import io.stacklens.agent.it.support.PrometheusText;
import io.stacklens.agent.it.support.RawHttp;
import io.stacklens.agent.it.support.RunningAgent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health, /metrics and /stats of a running agent, checked against what was actually sent. */
class AdminEndpointsTest {
  @TempDir Path dir;
  private RunningAgent agent;

  @BeforeEach
  void startAgentAndSend() throws Exception {
    agent =
        RunningAgent.start(
            Configs.OTLP_RECEIVER
                + """
        exporters:
          file:
            path: %s
            flush_interval: 0
            sending_queue: { queue_size: 123 }
            batch: { flush_timeout: 20ms }
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          pipelines:
            logs: { receivers: [otlp], exporters: [file], ring_size: 64 }
        """
                    .formatted(Configs.yamlString(dir.resolve("out.jsonl"))));
    OtlpClient.HTTP_PROTOBUF.send(agent, records(10));
    OtlpClient.HTTP_JSON.send(agent, records(10));
    OtlpClient.GRPC.send(agent, records(7));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                agent
                        .metrics()
                        .counterSum("stacklens_exporter_sent_records_total", "exporter", "file")
                    == 27);
  }

  @AfterEach
  void stopAgent() {
    agent.close();
  }

  @Test
  void healthIsOkWhileRunningAndListsEveryComponent() throws Exception {
    HttpResponse<String> r = RawHttp.get(admin("/health"));
    assertThat(r.statusCode()).isEqualTo(200);
    String body = r.body().replaceAll("\\s", "");
    assertThat(body).contains("\"status\":\"running\"");
    assertThat(body)
        .containsPattern(
            "\\{\"kind\":\"receiver\",\"id\":\"otlp\",\"status\":\"ok\",\"detail\":\"listening:gRPC127\\.0\\.0\\.1:"
                + agent.grpcPort()
                + ",HTTP127\\.0\\.0\\.1:"
                + agent.httpPort()
                + "\"");
    assertThat(body).containsPattern("\\{\"kind\":\"exporter\",\"id\":\"file\",\"status\":\"ok\"");
  }

  @Test
  void metricsCountWhatWasSentWithQueueRingLatencyAndJvm() throws Exception {
    HttpResponse<String> r = RawHttp.get(admin("/metrics"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    PrometheusText m = new PrometheusText(r.body());

    String accepted = "stacklens_receiver_accepted_records_total";
    assertThat(m.value(accepted, "receiver", "otlp", "signal", "logs", "transport", "http"))
        .isEqualTo(20);
    assertThat(m.value(accepted, "receiver", "otlp", "signal", "logs", "transport", "grpc"))
        .isEqualTo(7);
    assertThat(
            m.value("stacklens_exporter_sent_records_total", "exporter", "file", "signal", "logs"))
        .isEqualTo(27);
    assertThat(m.value("stacklens_exporter_queue_size", "exporter", "file")).isZero();
    assertThat(m.value("stacklens_exporter_queue_capacity", "exporter", "file")).isEqualTo(123);
    assertThat(m.value("stacklens_pipeline_ring_capacity", "pipeline", "logs")).isEqualTo(64);
    assertThat(m.value("stacklens_pipeline_ring_fill_ratio", "pipeline", "logs"))
        .isBetween(0.0, 1.0);

    String latency = "stacklens_receiver_request_duration_seconds";
    assertThat(m.value(latency + "_count", "receiver", "otlp", "transport", "http")).isEqualTo(2);
    assertThat(m.value(latency + "_count", "receiver", "otlp", "transport", "grpc")).isEqualTo(1);
    assertThat(m.value(latency + "_bucket", "receiver", "otlp", "transport", "http", "le", "+Inf"))
        .isEqualTo(2);
    assertThat(m.matching(latency + "_bucket", "transport", "http")).hasSizeGreaterThan(5);
    assertThat(m.value(latency + "_sum", "receiver", "otlp", "transport", "http")).isPositive();

    assertThat(m.value("stacklens_jvm_memory_heap_used_bytes")).isPositive();
    assertThat(m.value("stacklens_jvm_memory_heap_max_bytes")).isPositive();
    assertThat(m.value("stacklens_jvm_threads")).isPositive();
  }

  @Test
  void statsIsTheSameMetricsAsJson() throws Exception {
    HttpResponse<String> r = RawHttp.get(admin("/stats"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("json"));
    String body = r.body().replaceAll("\\s", "");
    assertThat(body).startsWith("{").endsWith("}");
    assertThat(body)
        .containsPattern(
            "\"stacklens_exporter_sent_records_total\":\\[[^\\]]*\\{\"labels\":\\{\"exporter\":\"file\",\"signal\":\"logs\"},\"value\":27}");
    assertThat(body)
        .containsPattern(
            "\"stacklens_exporter_queue_capacity\":\\[\\{\"labels\":\\{\"exporter\":\"file\"},\"value\":123(\\.0)?}");
    assertThat(body)
        .containsPattern(
            "\"stacklens_receiver_request_duration_seconds\":\\[[^\\]]*\"count\":2,\"sum_seconds\"");
    assertThat(body).contains("\"p99_seconds\"");
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(RawHttp.get(admin("/nope")).statusCode()).isEqualTo(404);
    HttpResponse<String> post = RawHttp.send(admin("/metrics"), "POST");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");
  }

  private String admin(String path) {
    return "http://127.0.0.1:" + agent.adminPort() + path;
  }

  private static ExportLogsServiceRequest records(int n) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < n; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("r" + i)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
        .build();
  }
}
