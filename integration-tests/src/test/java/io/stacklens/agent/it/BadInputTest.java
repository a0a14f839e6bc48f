package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.it.support.Configs;
import io.stacklens.agent.it.support.OtlpClient;
import io.stacklens.agent.it.support.RawGrpc;
import io.stacklens.agent.it.support.RawHttp;
import io.stacklens.agent.it.support.RunningAgent;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and unacceptable requests against a running agent: each gets the documented status and
 * a message naming the problem, and the agent keeps serving (a good request afterwards succeeds).
 */
class BadInputTest {
  private static final String LIMIT_YAML =
      """
      receivers:
        otlp:
          protocols:
            grpc: { endpoint: 127.0.0.1:0, max_recv_msg_size: 1KiB }
            http: { endpoint: 127.0.0.1:0, max_request_body_size: 1KiB }
      exporters:
        file: { path: %s, flush_interval: 0, batch: { flush_timeout: 20ms } }
      service:
        telemetry: { endpoint: 127.0.0.1:0 }
        pipelines:
          logs: { receivers: [otlp], exporters: [file] }
      """;

  @TempDir static Path dir;
  private static RunningAgent agent;

  @BeforeAll
  static void startAgent() throws Exception {
    agent = RunningAgent.start(LIMIT_YAML.formatted(Configs.yamlString(dir.resolve("l.jsonl"))));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) agent.close();
  }

  /** After every bad request, good ones still go through on both transports. */
  @AfterEach
  void goodRequestsStillSucceed() throws Exception {
    OtlpClient.HTTP_PROTOBUF.send(agent, good());
    OtlpClient.HTTP_JSON.send(agent, good());
    OtlpClient.GRPC.send(agent, good());
  }

  @Test
  void truncatedProtobufOverHttpIs400NamingTheMessageType() throws Exception {
    byte[] full = good().toByteArray();
    HttpResponse<byte[]> r =
        post("/v1/logs", RawHttp.PROTOBUF, null, Arrays.copyOf(full, full.length - 3));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r)).contains("not a valid protobuf ExportLogsServiceRequest");
  }

  @Test
  void truncatedProtobufOverGrpcIsInvalidArgument() throws Exception {
    byte[] full = good().toByteArray();
    try (RawGrpc grpc = new RawGrpc(agent.grpcPort())) {
      assertThatThrownBy(() -> grpc.exportRaw(Arrays.copyOf(full, full.length - 3)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains("malformed").contains("Export");
              });
    }
  }

  @Test
  void oversizedGrpcMessageIsResourceExhausted() throws Exception {
    try (RawGrpc grpc = new RawGrpc(agent.grpcPort())) {
      assertThatThrownBy(() -> grpc.export(withBody("x".repeat(4096))))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e ->
                  assertThat(e.getStatus().getCode())
                      .isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED));
    }
  }

  @Test
  void invalidJsonIs400NamingOtlpJson() throws Exception {
    HttpResponse<byte[]> r =
        post(
            "/v1/logs",
            RawHttp.JSON,
            null,
            "{\"resourceLogs\": [".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r)).contains("not a valid OTLP/JSON ExportLogsServiceRequest");
  }

  @Test
  void wrongContentTypeIs415NamingTheType() throws Exception {
    HttpResponse<byte[]> r =
        post("/v1/logs", "text/plain", null, "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(message(r)).contains("Content-Type 'text/plain' is not supported");
  }

  @Test
  void unknownContentEncodingIs415() throws Exception {
    HttpResponse<byte[]> r = post("/v1/logs", RawHttp.PROTOBUF, "br", good().toByteArray());
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(message(r)).contains("Content-Encoding 'br' is not supported");
  }

  @Test
  void oversizedBodyIs413NamingTheLimit() throws Exception {
    HttpResponse<byte[]> r =
        post("/v1/logs", RawHttp.PROTOBUF, null, withBody("x".repeat(4096)).toByteArray());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(message(r)).contains("larger than the limit of 1024 bytes");
  }

  @Test
  void bodyThatGrowsPastTheLimitWhenGunzippedIs413() throws Exception {
    byte[] small = RawHttp.gzip(withBody("x".repeat(100_000)).toByteArray());
    assertThat(small.length).isLessThan(1024);
    HttpResponse<byte[]> r = post("/v1/logs", RawHttp.PROTOBUF, "gzip", small);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(message(r)).contains("after gzip decompression");
  }

  @Test
  void gzipThatIsNotGzipIs400() throws Exception {
    HttpResponse<byte[]> r = post("/v1/logs", RawHttp.PROTOBUF, "gzip", good().toByteArray());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r)).contains("not valid gzip data");
  }

  @Test
  void wrongMethodIs405WithAllowPost() throws Exception {
    HttpResponse<String> r = RawHttp.get(agent.httpUrl("/v1/logs"));
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    assertThat(r.body()).contains("GET is not allowed on /v1/logs");
  }

  @Test
  void unknownPathIs404ListingTheEndpoints() throws Exception {
    HttpResponse<byte[]> r = post("/v1/unknown", RawHttp.PROTOBUF, null, good().toByteArray());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(message(r)).contains("no OTLP endpoint at /v1/unknown").contains("/v1/logs");
  }

  @Test
  void invalidRecordsAreRejectedAsPartialSuccessAndTheRestLands() throws Exception {
    ExportLogsServiceRequest mixed =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setBody(AnyValue.newBuilder().setStringValue("valid-1")))
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setSeverityNumberValue(42)
                                    .setBody(AnyValue.newBuilder().setStringValue("bad severity")))
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setTraceId(ByteString.copyFrom(new byte[5]))
                                    .setBody(AnyValue.newBuilder().setStringValue("bad trace id")))
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setBody(AnyValue.newBuilder().setStringValue("valid-2")))))
            .build();
    long invalidBefore =
        agent.metrics().counterSum("stacklens_receiver_refused_records_total", "reason", "invalid");
    HttpResponse<byte[]> r = post("/v1/logs", RawHttp.PROTOBUF, null, mixed.toByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    var partial = ExportLogsServiceResponse.parseFrom(r.body()).getPartialSuccess();
    assertThat(partial.getRejectedLogRecords()).isEqualTo(2);
    assertThat(partial.getErrorMessage()).contains("log_records[1]").contains("severity_number 42");
    assertThat(
            agent
                .metrics()
                .counterSum("stacklens_receiver_refused_records_total", "reason", "invalid"))
        .isEqualTo(invalidBefore + 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Files.readString(dir.resolve("l.jsonl")))
                    .contains("\"valid-1\"", "\"valid-2\"")
                    .doesNotContain("bad severity", "bad trace id"));
  }

  private static HttpResponse<byte[]> post(String path, String type, String encoding, byte[] body)
      throws Exception {
    return RawHttp.post(agent.httpUrl(path), type, encoding, body);
  }

  /** The {@code google.rpc.Status} message of an error response, in either encoding. */
  private static String message(HttpResponse<byte[]> r) throws Exception {
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (type.startsWith(RawHttp.PROTOBUF)) return Status.parseFrom(r.body()).getMessage();
    assertThat(type).as("error body content type").startsWith(RawHttp.JSON);
    String json = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(json).contains("\"message\"");
    return json;
  }

  private static ExportLogsServiceRequest good() {
    return withBody("good request");
  }

  private static ExportLogsServiceRequest withBody(String body) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setBody(AnyValue.newBuilder().setStringValue(body)))))
        .build();
  }
}
