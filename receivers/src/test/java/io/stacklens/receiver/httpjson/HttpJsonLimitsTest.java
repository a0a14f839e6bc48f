package io.stacklens.receiver.httpjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.json.JsonValueReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decode limits and the memory budget on the {@code http_json} receiver. */
class HttpJsonLimitsTest {
  private static final String JSON = "application/json";
  private static final String NDJSON = "application/x-ndjson";

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private IngestFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) fixture.close();
  }

  private void start(MemoryLimiter memory) throws Exception {
    HttpJsonReceiverConfig config = IngestFixture.config();
    config.maxRequestBodySize = ByteSize.ofMebibytes(32);
    config.limits.maxRecordsPerRequest = 1000;
    config.limits.maxAttributesPerRecord = 20;
    config.limits.maxNestingDepth = 5;
    config.limits.maxValueSize = new ByteSize(1000);
    fixture = new IngestFixture(config, memory);
  }

  private HttpResponse<String> post(String contentType, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + fixture.receiver.port() + "/ingest"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static Attributes json(HttpResponse<String> response) throws Exception {
    return JsonValueReader.standard().readObject(response.body().getBytes(StandardCharsets.UTF_8));
  }

  private static String message(Attributes body, int i) {
    return (String) ((Attributes) ((List<?>) body.get("errors")).get(i)).get("message");
  }

  @Test
  void moreNdjsonLinesThanTheRecordLimitAre413NamingTheKeyAndNothingIsAccepted() throws Exception {
    start(MemoryLimiter.unlimited());
    var r = post(NDJSON, "{}\n".repeat(1_000_000));

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat((String) json(r).get("error"))
        .contains(
            "more than 1000 records (receivers.http_json.limits.max_records_per_request)",
            "nothing was accepted");
    assertThat(fixture.refusedRequests("max_records_per_request")).isEqualTo(1);
    assertThat(fixture.exporter.recordCount()).isZero();
  }

  @Test
  void aRecordOverARecordLimitIsRejectedOnItsOwnWithTheReason() throws Exception {
    start(MemoryLimiter.unlimited());
    StringBuilder many = new StringBuilder("{\"message\":\"many\"");
    for (int i = 0; i < 30; i++) many.append(",\"f").append(i).append("\":").append(i);
    many.append('}');
    String deep = "{\"message\":\"deep\",\"a\":" + "[".repeat(10) + "1" + "]".repeat(10) + "}";
    String longString = "{\"message\":\"" + "x".repeat(2000) + "\"}";
    var r =
        post(
            NDJSON,
            "{\"message\":\"ok\"}\n"
                + many
                + "\n"
                + deep
                + "\n"
                + longString
                + "\n{\"message\":\"ok too\"}\n");

    assertThat(r.statusCode()).isEqualTo(200);
    Attributes body = json(r);
    assertThat(body.get("accepted")).isEqualTo(2L);
    assertThat(body.get("rejected")).isEqualTo(3L);
    assertThat(message(body, 0))
        .contains(
            "more than 20 attributes", "receivers.http_json.limits.max_attributes_per_record");
    assertThat(message(body, 1))
        .contains("nested more than 5 levels", "receivers.http_json.limits.max_nesting_depth");
    assertThat(message(body, 2))
        .contains(
            "longer than the limit of 1000 bytes", "receivers.http_json.limits.max_value_size");
    assertThat(fixture.refused("max_attributes_per_record")).isEqualTo(1);
    assertThat(fixture.refused("max_nesting_depth")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.exporter.recordCount() == 2);
  }

  @Test
  void anArrayElementOverARecordLimitIsSkippedAndTheOthersKept() throws Exception {
    start(MemoryLimiter.unlimited());
    String deep = "{\"a\":" + "{\"b\":".repeat(8) + "1" + "}".repeat(8) + "}";
    var r = post(JSON, "[{\"message\":\"first\"}," + deep + ",{\"message\":\"last\"}]");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("accepted")).isEqualTo(2L);
    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.exporter.recordCount() == 2);
    assertThat(fixture.records()).extracting(rec -> rec.body()).containsExactly("first", "last");
  }

  @Test
  void aStringOverTheLimitInsideAnArrayRefusesTheBodyBecauseTheParserStopsThere() throws Exception {
    start(MemoryLimiter.unlimited());
    var r = post(JSON, "[{\"message\":\"ok\"},{\"message\":\"" + "y".repeat(5000) + "\"}]");

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat((String) json(r).get("error"))
        .startsWith("record 1 (line 1, column")
        .contains(
            "longer than the limit of 1000 bytes (receivers.http_json.limits.max_value_size)");
  }

  @Test
  void aSpentMemoryBudgetIs429WithRetryAfterAndReleasesWhatItTook() throws Exception {
    MemoryLimiter memory = new MemoryLimiter(64 * 1024);
    start(memory);
    assertThat(memory.tryAcquire(60 * 1024)).isTrue();

    var r = post(NDJSON, ("{\"message\":\"" + "z".repeat(900) + "\"}\n").repeat(200));

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
    assertThat((String) json(r).get("error"))
        .contains("memory budget is spent", "service.memory_limiter");
    assertThat(memory.used()).isEqualTo(60 * 1024);

    memory.release(60 * 1024);
    var ok = post(NDJSON, "{\"message\":\"fits now\"}\n");
    assertThat(ok.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.exporter.recordCount() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> memory.used() == 0);
  }
}
