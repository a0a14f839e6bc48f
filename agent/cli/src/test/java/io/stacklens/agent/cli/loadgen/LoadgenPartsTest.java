package io.stacklens.agent.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadgenPartsTest {

  @Test
  void durationsAreReadAsPeopleWriteThem() {
    assertThat(DurationParser.parse("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(DurationParser.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationParser.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationParser.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(DurationParser.parse("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(DurationParser.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThat(DurationParser.parse("0")).isZero();
    assertThatThrownBy(() -> DurationParser.parse("soon"))
        .hasMessageContaining("'soon' is not a duration");
    assertThatThrownBy(() -> DurationParser.parse("10s junk"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generatedRecordsHaveTheRequestedShape() {
    ExportLogsServiceRequest request = new LogRequestFactory(120, 7, 1).build(3, 20, 1_000_000L);

    assertThat(request.getResourceLogs(0).getResource().getAttributesList())
        .anySatisfy(
            kv -> {
              assertThat(kv.getKey()).isEqualTo("service.name");
              assertThat(kv.getValue().getStringValue()).isEqualTo(LogRequestFactory.SERVICE_NAME);
            });
    assertThat(request.getResourceLogs(0).getScopeLogs(0).getLogRecordsList())
        .hasSize(20)
        .allSatisfy(record -> assertShape(record, 120, 7));
  }

  @Test
  void jsonBodiesAreObjectsWithTheFieldsParsersExpect() throws Exception {
    ExportLogsServiceRequest request =
        new LogRequestFactory(200, BodyFormat.JSON, 2, 1).build(0, 200, 1_700_000_000_000_000_000L);
    com.fasterxml.jackson.core.JsonFactory json = new com.fasterxml.jackson.core.JsonFactory();
    int withErrorCode = 0;
    for (LogRecord r : request.getResourceLogs(0).getScopeLogs(0).getLogRecordsList()) {
      java.util.Map<String, String> fields = new java.util.HashMap<>();
      try (com.fasterxml.jackson.core.JsonParser p =
          json.createParser(r.getBody().getStringValue())) {
        assertThat(p.nextToken()).isEqualTo(com.fasterxml.jackson.core.JsonToken.START_OBJECT);
        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          fields.put(name, p.getText());
        }
      }
      assertThat(fields)
          .containsKeys(
              "timestamp", "level", "service", "user_id", "client_ip", "product_id", "message");
      assertThat(java.time.Instant.parse(fields.get("timestamp")))
          .isAfter(java.time.Instant.parse("2023-01-01T00:00:00Z"));
      if (fields.containsKey("error_code")) withErrorCode++;
    }
    assertThat(withErrorCode).isBetween(20, 90);
  }

  private static void assertShape(LogRecord record, int bodySize, int attributes) {
    assertThat(record.getBody().getStringValue().getBytes(StandardCharsets.UTF_8))
        .hasSize(bodySize);
    assertThat(record.getAttributesCount()).isEqualTo(attributes);
    assertThat(record.getTraceId().size()).isEqualTo(16);
    assertThat(record.getSpanId().size()).isEqualTo(8);
    assertThat(record.getTimeUnixNano()).isPositive();
    assertThat(record.getSeverityNumberValue()).isPositive();
    assertThat(record.getSeverityText()).isNotEmpty();
  }

  @Test
  void thePoolReusesASmallSetOfDistinctRequests() {
    RequestPool pool = RequestPool.build(LoadgenOptions.defaults().withBatchSize(10));

    assertThat(pool.size()).isEqualTo(RequestPool.MAX_DISTINCT);
    PreparedRequest first = pool.next();
    assertThat(pool.next()).isNotSameAs(first).isNotEqualTo(first);
    for (int i = 2; i < pool.size(); i++) {
      pool.next();
    }
    assertThat(pool.next()).isSameAs(first);
    assertThat(
            pool.nextPartial(3).message().getResourceLogs(0).getScopeLogs(0).getLogRecordsCount())
        .isEqualTo(3);
  }

  @Test
  void uniqueRecordsMoveEachRoundsTimesPastTheLastWithoutReencoding() throws Exception {
    RequestPool pool =
        RequestPool.build(LoadgenOptions.defaults().withBatchSize(10).withUniqueRecords(true));
    java.util.Set<String> seen = new java.util.HashSet<>();
    ExportLogsServiceRequest firstSent = null;
    ExportLogsServiceRequest sameInNextRound = null;
    for (int i = 0; i < 3 * pool.size(); i++) {
      PreparedRequest request = pool.next();
      ExportLogsServiceRequest sent = ExportLogsServiceRequest.parseFrom(request.body());
      if (i == 0) firstSent = sent;
      if (i == pool.size()) sameInNextRound = sent;
      String instance =
          sent.getResourceLogs(0).getResource().getAttributes(1).getValue().getStringValue();
      for (LogRecord r : sent.getResourceLogs(0).getScopeLogs(0).getLogRecordsList()) {
        assertThat(seen.add(instance + "@" + r.getTimeUnixNano()))
            .as("record %s@%s sent twice", instance, r.getTimeUnixNano())
            .isTrue();
        assertThat(r.getObservedTimeUnixNano() - r.getTimeUnixNano()).isEqualTo(250_000L);
      }
    }
    LogRecord a = firstSent.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    LogRecord b = sameInNextRound.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(b.getTimeUnixNano() - a.getTimeUnixNano()).isEqualTo(10 * 1_000L);
    assertThat(b.toBuilder().setTimeUnixNano(0).setObservedTimeUnixNano(0).build())
        .isEqualTo(a.toBuilder().setTimeUnixNano(0).setObservedTimeUnixNano(0).build());
  }

  @Test
  void uniqueRecordsNeedPlainProtobufBodies() {
    assertThat(LoadgenOptions.defaults().withUniqueRecords(true).withGzip(true).validate())
        .contains(
            "--unique-records: needs protobuf bodies without --gzip (it rewrites the encoded times)");
  }

  @Test
  void httpEndpointsBecomeLogsUrls() {
    assertThat(HttpLogsSender.uri("127.0.0.1:4318"))
        .isEqualTo(URI.create("http://127.0.0.1:4318/v1/logs"));
    assertThat(HttpLogsSender.uri("http://agent:4318/"))
        .isEqualTo(URI.create("http://agent:4318/v1/logs"));
    assertThat(HttpLogsSender.uri("https://agent/custom/logs"))
        .isEqualTo(URI.create("https://agent/custom/logs"));
    assertThat(GrpcLogsSender.target("http://127.0.0.1:4317/")).isEqualTo("127.0.0.1:4317");
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    assertThat(HttpLogsSender.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(HttpLogsSender.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
    assertThat(HttpLogsSender.retryAfter("later")).isNull();
    assertThat(HttpLogsSender.retryAfter(null)).isNull();
  }

  @Test
  void partialSuccessIsReadFromJsonResponses() throws Exception {
    byte[] body =
        "{\"partialSuccess\":{\"rejectedLogRecords\":\"7\",\"errorMessage\":\"x\"}}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(HttpLogsSender.rejectedRecordsFromJson(body)).isEqualTo(7);
  }

  @Test
  void backoffDoublesFromOneHundredMillisUpToFiveSeconds() {
    assertThat(LoadGenerator.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(LoadGenerator.backoff(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(LoadGenerator.backoff(30)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void invalidOptionsAreRejectedByTheEngineWithEveryProblem() {
    assertThatThrownBy(
            () ->
                new LoadGenerator(LoadgenOptions.defaults().withRate(-1).withAttributes(-2), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--rate")
        .hasMessageContaining("--attributes");
  }
}
