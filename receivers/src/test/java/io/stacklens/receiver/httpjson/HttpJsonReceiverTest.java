package io.stacklens.receiver.httpjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.auth.AuthSettings;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.json.JsonValueReader;
import io.stacklens.agent.telemetry.ServerRefusals;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpJsonReceiverTest {
  private static final String JSON = "application/json";
  private static final String NDJSON = "application/x-ndjson";

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private IngestFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) fixture.close();
  }

  private void start() throws Exception {
    fixture = new IngestFixture();
  }

  private HttpResponse<String> post(String contentType, String body, String... headers)
      throws Exception {
    return send("POST", "/ingest", contentType, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private HttpResponse<String> send(
      String method, String path, String contentType, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.receiver.port() + path))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The response body as the agent's value model (objects as Attributes). */
  private static Attributes json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("content-type")).hasValue(JSON);
    return JsonValueReader.standard().readObject(response.body().getBytes(StandardCharsets.UTF_8));
  }

  private static Attributes error(Attributes body, int i) {
    return (Attributes) ((List<?>) body.get("errors")).get(i);
  }

  private void awaitRecords(int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> fixture.exporter.recordCount() == n);
  }

  @Test
  void acceptsOneObjectAndMapsIt() throws Exception {
    start();
    var r =
        post(
            JSON,
            """
        {"timestamp":"2026-11-23T19:50:41.5Z","level":"WARNING","message":"disk almost full","service":"checkout",
         "trace_id":"5b8efff798038103d269b633813fc60c","disk":"/dev/sda1","used":0.93}
        """);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"accepted\":1,\"rejected\":0,\"errors\":[]}");
    awaitRecords(1);
    LogsBatch batch = (LogsBatch) fixture.exporter.pushed().get(0);
    assertThat(batch.resourceLogs().get(0).resource().attributes())
        .isEqualTo(Attributes.of("service.name", "checkout"));
    LogRecord rec = fixture.records().get(0);
    assertThat(rec.body()).isEqualTo("disk almost full");
    assertThat(rec.severityNumber()).isEqualTo(13);
    assertThat(rec.severityText()).isEqualTo("WARNING");
    assertThat(rec.timeUnixNano()).isEqualTo(1_795_463_441_500_000_000L);
    assertThat(rec.observedTimeUnixNano())
        .isGreaterThan(rec.timeUnixNano() - 86_400_000_000_000L * 3650);
    assertThat(rec.traceId()).hasSize(16);
    assertThat(rec.attributes()).isEqualTo(Attributes.of("disk", "/dev/sda1", "used", 0.93));
    assertThat(fixture.accepted()).isEqualTo(1);
  }

  @Test
  void acceptsAnArrayAsOneBatchGroupedByResource() throws Exception {
    start();
    var r =
        post(
            "application/json; charset=utf-8",
            """
        [{"service":"a","message":"1"},{"service":"b","message":"2"},{"service":"a","message":"3"}]
        """);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("accepted")).isEqualTo(3L);
    awaitRecords(3);
    assertThat(fixture.exporter.pushed()).hasSize(1);
    LogsBatch batch = (LogsBatch) fixture.exporter.pushed().get(0);
    assertThat(batch.resourceLogs()).hasSize(2);
    assertThat(batch.resourceLogs().get(0).scopeLogs().get(0).logRecords())
        .extracting(LogRecord::body)
        .containsExactly("1", "3");
    assertThat(batch.resourceLogs().get(1).resource().attributes().get("service.name"))
        .isEqualTo("b");
  }

  @Test
  void acceptsNdjsonDeclaredOrDetected() throws Exception {
    start();
    var declared =
        post(NDJSON, "{\"message\":\"a\"}\r\n\n{\"message\":\"b\"}\n  \n{\"message\":\"c\"}");
    var detected = post(JSON, "{\"message\":\"d\"}\n{\"message\":\"e\"}\n");
    var pretty = post(JSON, "{\n  \"message\": \"f\"\n}\n");
    assertThat(declared.statusCode()).isEqualTo(200);
    assertThat(json(declared).get("accepted")).isEqualTo(3L);
    assertThat(json(detected).get("accepted")).isEqualTo(2L);
    assertThat(json(pretty).get("accepted")).isEqualTo(1L);
    awaitRecords(6);
    assertThat(fixture.exporter.bodies()).containsExactly("a", "b", "c", "d", "e", "f");
  }

  @Test
  void acceptsGzipBodies() throws Exception {
    start();
    var r =
        send(
            "POST",
            "/ingest",
            NDJSON,
            gzip("{\"message\":\"x\"}\n{\"message\":\"y\"}\n"),
            "Content-Encoding",
            "gzip");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("accepted")).isEqualTo(2L);
    awaitRecords(2);
  }

  @Test
  void partialSuccessListsEveryRejectedRecordAndCountsThemByReason() throws Exception {
    start();
    var r =
        post(
            JSON,
            """
        [{"message":"ok"},{"message":"bad time","timestamp":"yesterday"},7,
         {"trace_id":"xyz","level":"loud"},{"message":"ok too"}]
        """);
    assertThat(r.statusCode()).isEqualTo(200);
    Attributes body = json(r);
    assertThat(body.get("accepted")).isEqualTo(2L);
    assertThat(body.get("rejected")).isEqualTo(3L);
    assertThat((List<?>) body.get("errors")).hasSize(4);
    assertThat(error(body, 0))
        .isEqualTo(
            Attributes.of(
                "index",
                1L,
                "field",
                "timestamp",
                "message",
                "\"yesterday\" is not an ISO 8601 time such as 2026-11-23T19:50:41.123Z"));
    assertThat(error(body, 1))
        .isEqualTo(Attributes.of("index", 2L, "message", "expected a JSON object, got a number"));
    assertThat(error(body, 2).get("index")).isEqualTo(3L);
    assertThat(error(body, 2).get("field")).isEqualTo("trace_id");
    assertThat(error(body, 3).get("field")).isEqualTo("level");
    awaitRecords(2);
    assertThat(fixture.exporter.bodies()).containsExactly("ok", "ok too");
    assertThat(fixture.refused("invalid_record")).isEqualTo(2);
    assertThat(fixture.refused("invalid_json")).isEqualTo(1);
    assertThat(fixture.accepted()).isEqualTo(2);
  }

  @Test
  void anNdjsonLineThatIsNotJsonIsRejectedAlone() throws Exception {
    start();
    var r = post(NDJSON, "{\"message\":\"a\"}\n{\"message\": oops}\n{\"message\":\"c\"}\n");
    assertThat(r.statusCode()).isEqualTo(200);
    Attributes body = json(r);
    assertThat(body.get("accepted")).isEqualTo(2L);
    assertThat(error(body, 0).get("index")).isEqualTo(1L);
    assertThat((String) error(body, 0).get("message"))
        .startsWith("invalid JSON at line 2, column 13 (byte 28): unrecognized token 'oops'");
    // the same body sent as application/json is detected as NDJSON and judged line by line too
    assertThat(json(post(JSON, "{\"message\":\"a\"}\n{\"message\": oops}\n")).get("accepted"))
        .isEqualTo(1L);
  }

  @Test
  void invalidJsonIs400SayingWhereAndInWhichRecord() throws Exception {
    start();
    var r = post(JSON, "[{\"message\":\"a\"},\n {\"message\":\"b\",}]");
    assertThat(r.statusCode()).isEqualTo(400);
    Attributes body = json(r);
    assertThat(body.get("accepted")).isEqualTo(0L);
    assertThat((String) body.get("error"))
        .startsWith("invalid JSON at line 2, column 17 (byte 34): unexpected character '}'")
        .endsWith("(in record 1); nothing was accepted");
    Attributes e = error(body, 0);
    assertThat(e.get("index")).isEqualTo(1L);
    assertThat(e.get("line")).isEqualTo(2L);
    assertThat(e.get("column")).isEqualTo(17L);
    assertThat(e.get("byte_offset")).isEqualTo(34L);
    var pretty = post(JSON, "{\n  \"message\": \"a\",\n  \"level\" \"info\"\n}");
    assertThat(pretty.statusCode()).isEqualTo(400);
    assertThat((String) json(pretty).get("error")).startsWith("invalid JSON at line 3");
    assertThat(post(JSON, "[1, 2").statusCode()).isEqualTo(400);
    assertThat(post(JSON, "\"just a string\"").statusCode()).isEqualTo(400);
    assertThat(fixture.refusedRequests("malformed_body")).isEqualTo(4);
    assertThat(fixture.exporter.recordCount()).isZero();
  }

  @Test
  void nothingUsableOrNoRecordsIs400() throws Exception {
    start();
    var allBad = post(JSON, "[{\"timestamp\":\"x\"},{\"severity_number\":99}]");
    assertThat(allBad.statusCode()).isEqualTo(400);
    Attributes body = json(allBad);
    assertThat(body.get("rejected")).isEqualTo(2L);
    assertThat(body.get("error")).isEqualTo("no record is usable: all 2 rejected");
    assertThat((List<?>) body.get("errors")).hasSize(2);
    assertThat(fixture.refused("invalid_record")).isEqualTo(2);
    for (String empty : List.of("", "  \n", "[]")) {
      var r = post(JSON, empty);
      assertThat(r.statusCode()).as(empty).isEqualTo(400);
      assertThat(json(r).get("error"))
          .isEqualTo(
              "the body holds no records; send a JSON object, an array of objects or NDJSON");
    }
  }

  @Test
  void tooLargeBodiesAre413AsSentAndAfterDecompression() throws Exception {
    start();
    String big = "{\"message\":\"" + "x".repeat(70 * 1024) + "\"}";
    var raw = post(JSON, big);
    assertThat(raw.statusCode()).isEqualTo(413);
    assertThat(json(raw).get("error"))
        .isEqualTo(
            "request body is larger than the limit of 65536 bytes (receivers.http_json.max_request_body_size)");
    var inflated = send("POST", "/ingest", JSON, gzip(big), "Content-Encoding", "gzip");
    assertThat(inflated.statusCode()).isEqualTo(413);
    assertThat((String) json(inflated).get("error")).contains("after gzip decompression");
    assertThat(fixture.refusedRequests("too_large")).isEqualTo(2);
  }

  @Test
  void unsupportedContentTypeOrEncodingIs415() throws Exception {
    start();
    var form = post("application/x-www-form-urlencoded", "{\"message\":\"a\"}");
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat((String) json(form).get("error"))
        .startsWith("Content-Type 'application/x-www-form-urlencoded' is not supported");
    assertThat(send("POST", "/ingest", null, "{}".getBytes(StandardCharsets.UTF_8)).statusCode())
        .isEqualTo(415);
    var br = post(JSON, "{}", "Content-Encoding", "br");
    assertThat(br.statusCode()).isEqualTo(415);
    assertThat(json(br).get("error"))
        .isEqualTo("Content-Encoding 'br' is not supported; use gzip or none");
    var corrupt = post(JSON, "{}", "Content-Encoding", "gzip");
    assertThat(corrupt.statusCode()).isEqualTo(400);
    assertThat(fixture.refusedRequests("unsupported_media_type")).isEqualTo(3);
  }

  @Test
  void wrongMethodOrPath() throws Exception {
    start();
    var get = send("GET", "/ingest", null, new byte[0]);
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    assertThat(post(JSON, "{}").statusCode()).isEqualTo(200);
    var wrongPath = send("POST", "/v1/logs", JSON, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(wrongPath.statusCode()).isEqualTo(404);
    assertThat(json(wrongPath).get("error"))
        .isEqualTo("nothing at /v1/logs; POST records to /ingest");
  }

  @Test
  void aFullPipelineIs429WithRetryAfterAndNothingIsLost() throws Exception {
    start();
    fixture.exporter.block();
    int[] accepted = {0};
    java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> refused =
        new java.util.concurrent.atomic.AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              var r = post(JSON, "[{\"message\":\"m\"},{\"message\":\"m\"}]");
              if (r.statusCode() == 200) {
                accepted[0] += 2;
                return false;
              }
              refused.set(r);
              return true;
            });
    var r = refused.get();
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("2");
    Attributes body = json(r);
    assertThat(body.get("accepted")).isEqualTo(0L);
    assertThat(body.get("error")).isEqualTo("the logs pipeline is full; retry after 1500ms");
    assertThat(fixture.refused("ring_full")).isEqualTo(2);
    fixture.exporter.unblock();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> post(JSON, "[{\"message\":\"m\"},{\"message\":\"m\"}]").statusCode() == 200);
    awaitRecords(accepted[0] + 2);
    assertThat(fixture.accepted()).isEqualTo(accepted[0] + 2);
  }

  @Test
  void stoppingIs503WithRetryAfter() throws Exception {
    start();
    fixture.pipeline.stopAccepting();
    var pipelineStopping = post(JSON, "{\"message\":\"a\"}");
    assertThat(pipelineStopping.statusCode()).isEqualTo(503);
    assertThat(pipelineStopping.headers().firstValue("retry-after")).hasValue("2");
    assertThat(fixture.refused("shutting_down")).isEqualTo(1);
    fixture.receiver.stopAccepting();
    var receiverStopping = post(JSON, "{\"message\":\"a\"}");
    assertThat(receiverStopping.statusCode()).isEqualTo(503);
    assertThat(json(receiverStopping).get("error"))
        .isEqualTo("receiver http_json is shutting down; retry later");
  }

  @Test
  void theMappingOptionsApply() throws Exception {
    HttpJsonReceiverConfig config = IngestFixture.config();
    config.path = "/logs";
    config.mapping.timestampField = "ts";
    config.mapping.timestampFormat =
        io.stacklens.receiver.json.JsonMappingConfig.TimestampFormat.EPOCH_MS;
    config.mapping.resourceFields = java.util.Map.of("tenant_id", "tenant.id");
    fixture = new IngestFixture(config);
    var r =
        send(
            "POST",
            "/logs",
            JSON,
            "{\"ts\":1700000000123,\"tenant_id\":\"t1\",\"msg\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    awaitRecords(1);
    LogsBatch batch = (LogsBatch) fixture.exporter.pushed().get(0);
    assertThat(batch.resourceLogs().get(0).resource().attributes())
        .isEqualTo(Attributes.of("tenant.id", "t1"));
    assertThat(fixture.records().get(0).timeUnixNano()).isEqualTo(1_700_000_000_123_000_000L);
    assertThat(fixture.records().get(0).attributes()).isEqualTo(Attributes.of("msg", "x"));
  }

  private static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void withBasicAuthOnlyTheConfiguredCredentialIsServedAndTheRestIs401() throws Exception {
    HttpJsonReceiverConfig config = IngestFixture.config();
    config.auth = new AuthSettings();
    config.auth.basic = new AuthSettings.Basic();
    config.auth.basic.username = "shop";
    config.auth.basic.password = "pw-77";
    fixture = new IngestFixture(config);

    var none = post(JSON, "{\"message\":\"a\"}");
    var wrong = post(JSON, "{\"message\":\"b\"}", "Authorization", "Basic c2hvcDpwdy03OA==");
    var right = post(JSON, "{\"message\":\"c\"}", "Authorization", "Basic c2hvcDpwdy03Nw==");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"stacklens\"");
    assertThat(none.body()).contains("no Authorization header");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("not the configured one").doesNotContain("c2hvcDpwdy03OA");
    assertThat(right.statusCode()).isEqualTo(200);
    awaitRecords(1);
    assertThat(
            fixture.metrics.counterValue(
                ServerRefusals.REFUSED_REQUESTS,
                "receiver",
                "http_json",
                "transport",
                "http",
                "reason",
                ServerRefusals.UNAUTHENTICATED))
        .isEqualTo(2);
  }
}
