package io.stacklens.agent.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.otlp.OtlpJson;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadGeneratorHttpTest {

  private static LoadgenOptions options(String endpoint, long records) {
    return LoadgenOptions.defaults()
        .withProtocol(Protocol.HTTP)
        .withEndpoint(endpoint)
        .withRecords(records)
        .withDuration(Duration.ZERO)
        .withDrainTimeout(Duration.ofSeconds(10))
        .withReportInterval(Duration.ZERO);
  }

  @Test
  void everyRecordArrivesExactlyOnceAsProtobuf() throws Exception {
    try (HttpLogsServer server = HttpLogsServer.accepting()) {
      LoadgenReport report =
          new LoadGenerator(options(server.endpoint(), 777).withBatchSize(50), null).run();

      assertThat(server.acceptedRecords).hasValue(777);
      assertThat(server.acceptedRequests).hasValue(16);
      assertThat(server.contentTypes).containsOnly("application/x-protobuf");
      assertThat(report.recordsAcknowledged()).isEqualTo(777);
      assertThat(report.requestsSent()).isEqualTo(16);
      assertThat(report.succeeded()).isTrue();
    }
  }

  @Test
  void jsonEncodingSendsOtlpJsonThatDecodesToEveryRecord() throws Exception {
    try (HttpLogsServer server = HttpLogsServer.accepting(LoadGeneratorHttpTest::jsonRecords)) {
      LoadgenReport report =
          new LoadGenerator(
                  options(server.endpoint(), 350).withEncoding(Encoding.JSON).withGzip(true), null)
              .run();

      assertThat(server.acceptedRecords).hasValue(350);
      assertThat(server.contentTypes).containsOnly("application/json");
      assertThat(report.recordsAcknowledged()).isEqualTo(350);
    }
  }

  private static long jsonRecords(byte[] body) {
    return OtlpJson.parseLogs(body).getResourceLogsList().stream()
        .flatMap(r -> r.getScopeLogsList().stream())
        .mapToLong(s -> s.getLogRecordsCount())
        .sum();
  }

  @Test
  void gzipBodiesAreMarkedWithContentEncoding() throws Exception {
    try (HttpLogsServer server = HttpLogsServer.accepting()) {
      LoadgenReport report =
          new LoadGenerator(options(server.endpoint(), 400).withGzip(true), null).run();

      assertThat(server.acceptedRecords).hasValue(400);
      assertThat(server.gzippedRequests).hasValue(4);
      assertThat(report.succeeded()).isTrue();
    }
  }

  @Test
  void requestsRefusedWith429AreRetriedAfterRetryAfterAndNothingIsLost() throws Exception {
    try (HttpLogsServer server = HttpLogsServer.refusingFirst(2, 429, "1")) {
      LoadgenReport report = new LoadGenerator(options(server.endpoint(), 500), null).run();

      assertThat(server.acceptedRecords).hasValue(500);
      assertThat(report.recordsAcknowledged()).isEqualTo(500);
      assertThat(report.refusals()).isEqualTo(Map.of("429", 2L));
      assertThat(report.requestsSent()).isEqualTo(5 + 2);
      assertThat(report.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(950));
      assertThat(report.succeeded()).isTrue();
    }
  }

  @Test
  void requestsRefusedWith503WithoutRetryAfterAreRetriedWithBackoff() throws Exception {
    try (HttpLogsServer server = HttpLogsServer.refusingFirst(3, 503, null)) {
      LoadgenReport report =
          new LoadGenerator(options(server.endpoint(), 300).withConcurrency(1), null).run();

      assertThat(server.acceptedRecords).hasValue(300);
      assertThat(report.refusals()).isEqualTo(Map.of("503", 3L));
      // backoff 100 + 200 + 400 ms before the first request gets through
      assertThat(report.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(650));
    }
  }

  @Test
  void otherStatusesArePermanentErrorsCountedByStatus() throws Exception {
    try (HttpLogsServer server = HttpLogsServer.failingWith(400)) {
      LoadgenReport report = new LoadGenerator(options(server.endpoint(), 300), null).run();

      assertThat(server.arrivals).hasSize(3);
      assertThat(report.errors()).isEqualTo(Map.of("400", 3L));
      assertThat(report.errorMessages().get("400")).contains("test server fails everything");
      assertThat(report.recordsFailed()).isEqualTo(300);
      assertThat(report.succeeded()).isFalse();
    }
  }

  @Test
  void aServerThatIsNotListeningIsAnIoError() throws Exception {
    int freePort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    LoadgenReport report = new LoadGenerator(options("127.0.0.1:" + freePort, 100), null).run();

    assertThat(report.errors()).containsOnlyKeys("io_error");
    assertThat(report.succeeded()).isFalse();
  }
}
