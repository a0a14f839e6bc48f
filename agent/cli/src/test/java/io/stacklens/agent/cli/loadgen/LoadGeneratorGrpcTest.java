package io.stacklens.agent.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadGeneratorGrpcTest {

  private static LoadgenOptions options(String endpoint, long records) {
    return LoadgenOptions.defaults()
        .withEndpoint(endpoint)
        .withRecords(records)
        .withDuration(Duration.ZERO)
        .withDrainTimeout(Duration.ofSeconds(10))
        .withReportInterval(Duration.ZERO);
  }

  @Test
  void everyRecordArrivesExactlyOnceIncludingAShortLastBatch() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.accepting()) {
      LoadgenReport report =
          new LoadGenerator(options(server.endpoint(), 1_050).withBatchSize(100), null).run();

      assertThat(server.acceptedRecords).hasValue(1_050);
      assertThat(server.acceptedRequests).hasValue(11);
      assertThat(report.recordsSent()).isEqualTo(1_050);
      assertThat(report.recordsAcknowledged()).isEqualTo(1_050);
      assertThat(report.requestsSent()).isEqualTo(11);
      assertThat(report.requestsAcknowledged()).isEqualTo(11);
      assertThat(report.latency().count()).isEqualTo(11);
      assertThat(report.latency().maxMicros()).isPositive();
      assertThat(report.refusals()).isEmpty();
      assertThat(report.errors()).isEmpty();
      assertThat(report.succeeded()).isTrue();
    }
  }

  @Test
  void gzipCompressedRequestsArriveIntact() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.accepting()) {
      LoadgenReport report =
          new LoadGenerator(options(server.endpoint(), 600).withGzip(true), null).run();

      assertThat(server.acceptedRecords).hasValue(600);
      assertThat(report.succeeded()).isTrue();
    }
  }

  @Test
  void refusedRequestsAreRetriedAfterTheRetryInfoDelayAndNothingIsLost() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.refusingFirst(2, Duration.ofMillis(200))) {
      LoadgenReport report =
          new LoadGenerator(
                  options(server.endpoint(), 300).withBatchSize(100).withConcurrency(1), null)
              .run();

      assertThat(server.acceptedRecords).hasValue(300);
      assertThat(server.refusedRequests).hasValue(2);
      assertThat(report.recordsAcknowledged()).isEqualTo(300);
      assertThat(report.refusals()).isEqualTo(Map.of("RESOURCE_EXHAUSTED", 2L));
      assertThat(report.requestsSent()).isEqualTo(3 + 2);
      assertThat(report.requestsAcknowledged()).isEqualTo(3);
      assertThat(report.succeeded()).isTrue();
      // one slot: refusal, retry 200 ms later (refused), retry 200 ms later (accepted)
      long firstToThird = server.arrivals.get(2) - server.arrivals.get(0);
      assertThat(Duration.ofNanos(firstToThird)).isGreaterThanOrEqualTo(Duration.ofMillis(380));
    }
  }

  @Test
  void permanentErrorsAreCountedByStatusAndNotRetried() throws Exception {
    try (GrpcLogsServer server =
        GrpcLogsServer.failingWith(Status.INVALID_ARGUMENT.withDescription("bad batch"))) {
      LoadgenReport report = new LoadGenerator(options(server.endpoint(), 400), null).run();

      assertThat(server.arrivals).hasSize(4);
      assertThat(report.errors()).isEqualTo(Map.of("INVALID_ARGUMENT", 4L));
      assertThat(report.errorMessages()).containsEntry("INVALID_ARGUMENT", "bad batch");
      assertThat(report.recordsFailed()).isEqualTo(400);
      assertThat(report.recordsAcknowledged()).isZero();
      assertThat(report.succeeded()).isFalse();
    }
  }

  @Test
  void partialSuccessRejectionsAreReportedApartFromAcknowledgedRecords() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.rejectingInPartialSuccess(3)) {
      LoadgenReport report = new LoadGenerator(options(server.endpoint(), 500), null).run();

      assertThat(report.recordsRejected()).isEqualTo(15);
      assertThat(report.recordsAcknowledged())
          .isEqualTo(485)
          .isEqualTo(server.acceptedRecords.get());
      assertThat(report.succeeded()).isTrue();
    }
  }

  @Test
  void recordsStillRefusedWhenTheDrainTimesOutAreReportedAsAbandoned() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.refusingFirst(1_000, Duration.ofMillis(50))) {
      LoadgenReport report =
          new LoadGenerator(
                  options(server.endpoint(), 200).withDrainTimeout(Duration.ofMillis(300)), null)
              .run();

      assertThat(report.recordsSent()).isEqualTo(200);
      assertThat(report.recordsAbandoned()).isEqualTo(200);
      assertThat(report.refusals().get("RESOURCE_EXHAUSTED")).isGreaterThanOrEqualTo(2);
      assertThat(report.succeeded()).isFalse();
    }
  }

  @Test
  void rateSpacesRequestsWithoutExceedingIt() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.accepting()) {
      // 10 requests of 100 records at 4,000 records/s: one every 25 ms
      LoadgenReport report =
          new LoadGenerator(options(server.endpoint(), 1_000).withRate(4_000), null).run();

      assertThat(server.acceptedRecords).hasValue(1_000);
      // Measured on the sending side: arrival times at the server bunch up when the first request
      // is slowed by connection set-up on a busy machine, though the sends were paced.
      assertThat(report.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
      assertThat(report.recordsPerSecond()).isLessThan(4_500);
    }
  }

  @Test
  void durationEndsARunWithoutARecordLimitAndEveryAcknowledgedRecordWasReceived() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.accepting()) {
      LoadgenReport report =
          new LoadGenerator(
                  options(server.endpoint(), 0)
                      .withDuration(Duration.ofMillis(400))
                      .withRate(2_000)
                      .withBatchSize(50),
                  null)
              .run();

      assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(3));
      assertThat(report.recordsAcknowledged())
          .isEqualTo(server.acceptedRecords.get())
          .isEqualTo(report.recordsSent())
          .isBetween(300L, 1_000L);
    }
  }

  @Test
  void stopEndsAnUnlimitedRunAndDrains() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.accepting()) {
      LoadGenerator generator =
          new LoadGenerator(
              options(server.endpoint(), 0).withDuration(Duration.ofMinutes(5)).withRate(5_000),
              null);
      Thread stopper =
          new Thread(
              () -> {
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  return;
                }
                generator.stop();
              });
      stopper.start();
      LoadgenReport report = generator.run();

      assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(5));
      assertThat(report.recordsAcknowledged()).isPositive().isEqualTo(server.acceptedRecords.get());
    }
  }

  @Test
  void progressLinesArePrintedAtTheReportInterval() throws Exception {
    try (GrpcLogsServer server = GrpcLogsServer.accepting()) {
      java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
      new LoadGenerator(
              options(server.endpoint(), 0)
                  .withDuration(Duration.ofMillis(450))
                  .withRate(1_000)
                  .withReportInterval(Duration.ofMillis(100)),
              lines::add)
          .run();

      assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
      assertThat(lines.get(0)).contains("acked").contains("rec/s").contains("p99");
    }
  }
}
