package io.stacklens.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.otlp.OtlpJson;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpHttpReceiverTest {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ReceiverFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) fixture.close();
  }

  private void start(Signal... signals) throws Exception {
    fixture = new ReceiverFixture(signals);
  }

  private HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers)
      throws Exception {
    return send("POST", path, contentType, body, headers);
  }

  private HttpResponse<byte[]> send(
      String method, String path, String contentType, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.receiver.httpPort() + path))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Status protobufStatus(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.headers().firstValue("content-type")).hasValue(PROTOBUF);
    return Status.parseFrom(response.body());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void exportsLogsTracesAndMetricsAsProtobuf() throws Exception {
    start(Signal.LOGS, Signal.TRACES, Signal.METRICS);

    var logs = post("/v1/logs", PROTOBUF, TestData.logs(3).toByteArray());
    var traces = post("/v1/traces", PROTOBUF, TestData.traces(2).toByteArray());
    var metrics =
        post("/v1/metrics", PROTOBUF, TestData.metrics(TestData.gauge("cpu", 4)).toByteArray());

    assertThat(logs.statusCode()).isEqualTo(200);
    assertThat(logs.headers().firstValue("content-type")).hasValue(PROTOBUF);
    assertThat(ExportLogsServiceResponse.parseFrom(logs.body()).hasPartialSuccess()).isFalse();
    assertThat(ExportTraceServiceResponse.parseFrom(traces.body()).hasPartialSuccess()).isFalse();
    assertThat(ExportMetricsServiceResponse.parseFrom(metrics.body()).hasPartialSuccess())
        .isFalse();
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(3);
    assertThat(fixture.consumer(Signal.TRACES).records()).isEqualTo(2);
    assertThat(fixture.consumer(Signal.METRICS).records()).isEqualTo(4);
    assertThat(fixture.accepted(Signal.LOGS, "http")).isEqualTo(3);
    assertThat(fixture.accepted(Signal.METRICS, "http")).isEqualTo(4);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(fixture.metrics.toPrometheusText())
                    .contains(
                        "stacklens_receiver_request_duration_seconds_count{receiver=\"otlp\",transport=\"http\"} 3"));
  }

  @Test
  void exportsLogsTracesAndMetricsAsJsonAndAnswersInJson() throws Exception {
    start(Signal.LOGS, Signal.TRACES, Signal.METRICS);
    String logsJson =
        """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
          "scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":9,
            "body":{"stringValue":"hello"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}]}
        """;

    var logs = post("/v1/logs", JSON, logsJson.getBytes(StandardCharsets.UTF_8));
    var traces =
        post(
            "/v1/traces",
            "application/json; charset=utf-8",
            OtlpJson.toJsonBytes(TestData.traces(2)));
    var metrics =
        post("/v1/metrics", JSON, OtlpJson.toJsonBytes(TestData.metrics(TestData.gauge("cpu", 3))));

    assertThat(logs.statusCode()).isEqualTo(200);
    assertThat(logs.headers().firstValue("content-type")).hasValue(JSON);
    assertThat(text(logs)).isEqualTo("{}");
    assertThat(traces.statusCode()).isEqualTo(200);
    assertThat(metrics.statusCode()).isEqualTo(200);
    LogsBatch batch = (LogsBatch) fixture.consumer(Signal.LOGS).batches.get(0);
    var record = batch.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertThat(record.body()).isEqualTo("hello");
    assertThat(record.traceId()).hasSize(16);
    assertThat(fixture.consumer(Signal.TRACES).records()).isEqualTo(2);
    assertThat(fixture.consumer(Signal.METRICS).records()).isEqualTo(3);
  }

  @Test
  void acceptsGzipAndZstdBodies() throws Exception {
    start(Signal.LOGS);
    byte[] body = TestData.logs(4).toByteArray();
    assertThat(
            post("/v1/logs", PROTOBUF, TestData.gzip(body), "Content-Encoding", "gzip")
                .statusCode())
        .isEqualTo(200);
    assertThat(
            post("/v1/logs", PROTOBUF, TestData.zstd(body), "Content-Encoding", "zstd")
                .statusCode())
        .isEqualTo(200);
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(8);
  }

  @Test
  void invalidRecordsAreRejectedIndividuallyWithPartialSuccess() throws Exception {
    start(Signal.LOGS, Signal.TRACES, Signal.METRICS);
    var badTraceId =
        TestData.log("bad id", 9).toBuilder()
            .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[5]))
            .build();
    var logs =
        post(
            "/v1/logs",
            PROTOBUF,
            TestData.logs(TestData.log("ok", 9), badTraceId, TestData.log("bad", -1))
                .toByteArray());
    var logsResponse = ExportLogsServiceResponse.parseFrom(logs.body());
    assertThat(logs.statusCode()).isEqualTo(200);
    assertThat(logsResponse.getPartialSuccess().getRejectedLogRecords()).isEqualTo(2);
    assertThat(logsResponse.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "2 log records rejected; first: resource_logs[0].scope_logs[0].log_records[1]: "
                + "trace_id must be 16 bytes (or empty), got 5 (and 1 more)");
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(1);
    assertThat(fixture.refused(Signal.LOGS, "http", "invalid")).isEqualTo(2);

    var noSpanId = TestData.span(1).toBuilder().clearSpanId().build();
    var traces =
        ExportTraceServiceResponse.parseFrom(
            post("/v1/traces", PROTOBUF, TestData.traces(TestData.span(0), noSpanId).toByteArray())
                .body());
    assertThat(traces.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(traces.getPartialSuccess().getErrorMessage())
        .contains("spans[1]: span_id must be 8 bytes and not all zero, got none");
    assertThat(fixture.consumer(Signal.TRACES).records()).isEqualTo(1);

    var metrics =
        ExportMetricsServiceResponse.parseFrom(
            post(
                    "/v1/metrics",
                    PROTOBUF,
                    TestData.metrics(TestData.gauge("ok", 2), TestData.histogram("latency", 3, 3))
                        .toByteArray())
                .body());
    assertThat(metrics.getPartialSuccess().getRejectedDataPoints()).isEqualTo(1);
    assertThat(metrics.getPartialSuccess().getErrorMessage())
        .contains(
            "metrics[1] (\"latency\").histogram.data_points[0]: bucket_counts has 3 entries and explicit_bounds 3");
    assertThat(fixture.consumer(Signal.METRICS).records()).isEqualTo(2);
  }

  @Test
  void partialSuccessIsAnsweredInJsonForJsonRequests() throws Exception {
    start(Signal.LOGS);
    var response =
        post("/v1/logs", JSON, OtlpJson.toJsonBytes(TestData.logs(TestData.log("bad", 30))));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(response))
        .contains(
            "\"partialSuccess\"",
            "\"rejectedLogRecords\":\"1\"",
            "severity_number 30 is outside 0..24");
  }

  @Test
  void fullPipelineAnswers429WithRetryAfter() throws Exception {
    start(Signal.LOGS);
    fixture.consumer(Signal.LOGS).answer = () -> Admission.REFUSED_FULL;
    var response = post("/v1/logs", PROTOBUF, TestData.logs(3).toByteArray());
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("2"); // 1.5s rounded up
    Status status = protobufStatus(response);
    assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(status.getMessage()).contains("logs pipeline is full");
    assertThat(fixture.refused(Signal.LOGS, "http", "ring_full")).isEqualTo(3);
  }

  @Test
  void shuttingDownPipelineAnswers503WithRetryAfter() throws Exception {
    start(Signal.LOGS);
    fixture.consumer(Signal.LOGS).answer = () -> Admission.REFUSED_SHUTTING_DOWN;
    var response = post("/v1/logs", JSON, OtlpJson.toJsonBytes(TestData.logs(1)));
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("2");
    assertThat(text(response)).contains("\"code\":14", "shutting down");
    assertThat(fixture.refused(Signal.LOGS, "http", "shutting_down")).isEqualTo(1);
  }

  @Test
  void signalWithoutPipelineIs404() throws Exception {
    start(Signal.LOGS);
    var response =
        post("/v1/metrics", PROTOBUF, TestData.metrics(TestData.gauge("cpu", 1)).toByteArray());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(protobufStatus(response).getMessage())
        .contains("no pipeline takes metrics from receiver otlp");
  }

  @Test
  void unknownPathIs404WrongMethodIs405WrongContentTypeIs415() throws Exception {
    start(Signal.LOGS);
    var unknown = post("/v1/profiles", PROTOBUF, new byte[0]);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(protobufStatus(unknown).getMessage()).contains("no OTLP endpoint at /v1/profiles");

    var get = send("GET", "/v1/logs", null, new byte[0]);
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    assertThat(text(get)).contains("GET is not allowed on /v1/logs");

    var textPlain = post("/v1/logs", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(textPlain.statusCode()).isEqualTo(415);
    assertThat(text(textPlain)).contains("Content-Type 'text/plain' is not supported");

    var brotli = post("/v1/logs", PROTOBUF, new byte[] {1}, "Content-Encoding", "br");
    assertThat(brotli.statusCode()).isEqualTo(415);
    assertThat(protobufStatus(brotli).getMessage())
        .contains("Content-Encoding 'br' is not supported");
  }

  @Test
  void bodyLargerThanTheLimitIs413BeforeAndAfterDecompression() throws Exception {
    start(Signal.LOGS);
    var raw = post("/v1/logs", PROTOBUF, new byte[70_000]);
    assertThat(raw.statusCode()).isEqualTo(413);
    assertThat(protobufStatus(raw).getMessage()).contains("larger than the limit of 65536 bytes");

    byte[] bomb = TestData.gzip(new byte[1_000_000]);
    var gzip = post("/v1/logs", JSON, bomb, "Content-Encoding", "gzip");
    assertThat(gzip.statusCode()).isEqualTo(413);
    assertThat(text(gzip)).contains("after gzip decompression");

    var zstd =
        post("/v1/logs", PROTOBUF, TestData.zstd(new byte[1_000_000]), "Content-Encoding", "zstd");
    assertThat(zstd.statusCode()).isEqualTo(413);
  }

  @Test
  void malformedPayloadsAre400WithAStatusSayingWhatIsWrong() throws Exception {
    start(Signal.LOGS);
    byte[] full = TestData.logs(2).toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(full, full.length - 3);
    var proto = post("/v1/logs", PROTOBUF, truncated);
    assertThat(proto.statusCode()).isEqualTo(400);
    Status status = protobufStatus(proto);
    assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage())
        .startsWith("body is not a valid protobuf ExportLogsServiceRequest: ");

    var json =
        post(
            "/v1/logs",
            JSON,
            "{\"resourceLogs\": [ {\"scopeLogs\": 7 ".getBytes(StandardCharsets.UTF_8));
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json.headers().firstValue("content-type")).hasValue(JSON);
    assertThat(text(json))
        .contains("\"code\":3", "body is not a valid OTLP/JSON ExportLogsServiceRequest");

    var notGzip = post("/v1/logs", PROTOBUF, full, "Content-Encoding", "gzip");
    assertThat(notGzip.statusCode()).isEqualTo(400);
    assertThat(protobufStatus(notGzip).getMessage())
        .startsWith("request body is not valid gzip data");

    var notZstd = post("/v1/logs", PROTOBUF, full, "Content-Encoding", "zstd");
    assertThat(notZstd.statusCode()).isEqualTo(400);
    assertThat(protobufStatus(notZstd).getMessage())
        .startsWith("request body is not valid zstd data");

    assertThat(post("/v1/logs", PROTOBUF, full).statusCode()).isEqualTo(200);
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(2);
  }

  @Test
  void shutdownLetsTheRequestInProgressFinishAndAnswers503OnOpenConnections() throws Exception {
    start(Signal.LOGS);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    byte[] body = TestData.logs(1).toByteArray();
    try (Socket idle = new Socket("127.0.0.1", fixture.receiver.httpPort())) {
      idle.setSoTimeout(5000);
      // a keep-alive connection that has already served a request
      writeRequest(idle, body);
      assertThat(readResponseHead(idle.getInputStream())).startsWith("HTTP/1.1 200");
      skipBody(idle.getInputStream(), 0);

      fixture.consumer(Signal.LOGS).answer =
          () -> {
            entered.countDown();
            try {
              release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Admission.ACCEPTED;
          };
      var inFlight =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return post("/v1/logs", PROTOBUF, body).statusCode();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
      var shutdown =
          CompletableFuture.runAsync(() -> fixture.receiver.shutdown(Instant.now().plusSeconds(5)));

      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                try {
                  new Socket("127.0.0.1", fixture.receiver.httpPort()).close();
                  return false;
                } catch (java.io.IOException refused) {
                  return true;
                }
              });
      writeRequest(idle, body);
      String head = readResponseHead(idle.getInputStream());
      assertThat(head)
          .startsWith("HTTP/1.1 503")
          .containsIgnoringCase("retry-after: 2")
          .containsIgnoringCase("connection: close");
      assertThat(shutdown).isNotDone();

      release.countDown();
      assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo(200);
      shutdown.get(5, TimeUnit.SECONDS);
      assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(2);
    }
  }

  private static void writeRequest(Socket socket, byte[] body) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private static String readResponseHead(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) break;
      sb.append((char) c);
    }
    return sb.toString();
  }

  private static void skipBody(InputStream in, int length) throws Exception {
    in.readNBytes(length);
  }
}
