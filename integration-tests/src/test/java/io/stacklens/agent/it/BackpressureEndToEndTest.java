package io.stacklens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.stacklens.agent.cli.loadgen.LoadGenerator;
import io.stacklens.agent.cli.loadgen.LoadgenOptions;
import io.stacklens.agent.cli.loadgen.LoadgenReport;
import io.stacklens.agent.cli.loadgen.Protocol;
import io.stacklens.agent.it.blocking.BlockingExporter;
import io.stacklens.agent.it.support.RawGrpc;
import io.stacklens.agent.it.support.RawHttp;
import io.stacklens.agent.it.support.RunningAgent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backpressure from a stuck exporter all the way to the clients: with a 2-batch ring and a 1-batch
 * exporter queue, raw clients get HTTP 429 + Retry-After and gRPC RESOURCE_EXHAUSTED + RetryInfo; a
 * load generator that retries refusals loses and duplicates nothing once the exporter is released,
 * and every refusal is counted by the receiver and the pipeline.
 */
class BackpressureEndToEndTest {
  private static final String YAML =
      """
      receivers:
        otlp:
          protocols:
            grpc: { endpoint: 127.0.0.1:0 }
            http: { endpoint: 127.0.0.1:0 }
          retry_after: 200ms
      exporters:
        blocking:
          timeout: 2m
          sending_queue: { queue_size: 1, num_consumers: 1 }
          batch: { enabled: false }
      service:
        telemetry: { endpoint: 127.0.0.1:0 }
        shutdown_timeout: 20s
        pipelines:
          logs: { receivers: [otlp], exporters: [blocking], ring_size: 2 }
      """;
  private static final String REFUSED = "stacklens_receiver_refused_records_total";

  private RunningAgent agent;

  @BeforeEach
  void start() throws Exception {
    BlockingExporter.reset();
    agent = RunningAgent.start(YAML);
  }

  @AfterEach
  void stop() {
    BlockingExporter.release();
    agent.close();
  }

  @Test
  void stuckExporterMakesClientsRetryAndNothingIsLostOrDuplicated() throws Exception {
    long accepted = 0;

    // 1. Raw HTTP until the pipeline is full: 429 with Retry-After.
    HttpResponse<byte[]> refusal = null;
    for (int i = 0; i < 50 && refusal == null; i++) {
      HttpResponse<byte[]> r =
          RawHttp.post(
              agent.httpUrl("/v1/logs"), RawHttp.PROTOBUF, oneRecord("http " + i).toByteArray());
      if (r.statusCode() == 200) {
        accepted++;
      } else {
        refusal = r;
      }
    }
    assertThat(refusal).as("an HTTP refusal within 50 requests").isNotNull();
    assertThat(refusal.statusCode()).isEqualTo(429);
    assertThat(refusal.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(accepted).as("requests taken before the ring filled").isBetween(2L, 10L);
    await().atMost(Duration.ofSeconds(5)).until(() -> BlockingExporter.pushesWaiting() == 1);
    // The worker may still move a batch from the ring into the exporter queue after the first 429:
    // top the ring up until everything is full and nothing moves (one push stuck, queue full, ring
    // full).
    long[] httpRefusals = {1};
    long[] acceptedSoFar = {accepted};
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              if (saturated()) return true;
              int status =
                  RawHttp.post(
                          agent.httpUrl("/v1/logs"),
                          RawHttp.PROTOBUF,
                          oneRecord("top-up").toByteArray())
                      .statusCode();
              if (status == 200) acceptedSoFar[0]++;
              else httpRefusals[0]++;
              return false;
            });
    accepted = acceptedSoFar[0];

    // 2. Raw gRPC: RESOURCE_EXHAUSTED with RetryInfo.
    StatusRuntimeException grpcRefusal;
    try (RawGrpc grpc = new RawGrpc(agent.grpcPort())) {
      grpcRefusal = catchRefusal(() -> grpc.export(oneRecord("grpc")));
    }
    assertThat(grpcRefusal.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED);
    com.google.rpc.Status details = StatusProto.fromThrowable(grpcRefusal);
    assertThat(details).isNotNull();
    Any retryInfo =
        details.getDetailsList().stream()
            .filter(a -> a.is(RetryInfo.class))
            .findFirst()
            .orElseThrow();
    assertThat(retryInfo.unpack(RetryInfo.class).getRetryDelay().getNanos()).isEqualTo(200_000_000);

    long httpRefused =
        agent.metrics().counterSum(REFUSED, "transport", "http", "reason", "ring_full");
    long grpcRefusedByRawClient =
        agent.metrics().counterSum(REFUSED, "transport", "grpc", "reason", "ring_full");
    assertThat(httpRefused).isEqualTo(httpRefusals[0]);
    assertThat(grpcRefusedByRawClient).isEqualTo(1);

    // 3. The load generator retries refusals while the exporter is stuck; then it is released.
    LoadgenOptions options =
        LoadgenOptions.defaults()
            .withEndpoint("127.0.0.1:" + agent.grpcPort())
            .withProtocol(Protocol.GRPC)
            .withRecords(2_000)
            .withBatchSize(100)
            .withConcurrency(4)
            .withDuration(Duration.ZERO)
            .withDrainTimeout(Duration.ofSeconds(60))
            .withReportInterval(Duration.ofHours(1));
    LoadGenerator loadgen = new LoadGenerator(options, null);
    CompletableFuture<LoadgenReport> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return loadgen.run();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  agent.metrics().counterSum(REFUSED, "transport", "grpc")
                      >= grpcRefusedByRawClient + 400);
    } finally {
      BlockingExporter.release();
    }
    LoadgenReport report = run.get(90, TimeUnit.SECONDS);

    assertThat(report.errors()).as("loadgen errors: %s", report.errorMessages()).isEmpty();
    assertThat(report.recordsAcknowledged()).isEqualTo(2_000);
    assertThat(report.recordsAbandoned()).isZero();
    assertThat(report.refusals()).containsOnlyKeys("RESOURCE_EXHAUSTED");
    long loadgenRefusedRecords = report.refusals().get("RESOURCE_EXHAUSTED") * 100;
    accepted += report.recordsAcknowledged();

    // 4. Exactly once: the exporter got every acknowledged record, and no more.
    long expected = accepted;
    await().atMost(Duration.ofSeconds(20)).until(() -> BlockingExporter.records() >= expected);
    agent.stop();
    assertThat(BlockingExporter.records()).isEqualTo(expected);

    // 5. Every refusal counted, by receiver (per transport) and by pipeline.
    assertThat(agent.metrics().counterSum(REFUSED, "transport", "http", "reason", "ring_full"))
        .isEqualTo(httpRefused);
    assertThat(agent.metrics().counterSum(REFUSED, "transport", "grpc", "reason", "ring_full"))
        .isEqualTo(grpcRefusedByRawClient + loadgenRefusedRecords);
    assertThat(
            agent
                .metrics()
                .counterSum(
                    "stacklens_pipeline_refused_records_total",
                    "pipeline",
                    "logs",
                    "reason",
                    "ring_full"))
        .isEqualTo(httpRefused + grpcRefusedByRawClient + loadgenRefusedRecords);
    assertThat(
            agent
                .metrics()
                .counterSum("stacklens_exporter_sent_records_total", "exporter", "blocking"))
        .isEqualTo(expected);
  }

  /**
   * An exporter that never comes back: the agent still stops by {@code shutdown_timeout}, and every
   * record it acknowledged but could not deliver is counted as dropped, none silently lost.
   */
  @Test
  void stopWithAStuckExporterEndsByTheDeadlineAndCountsEveryUndeliveredRecord() throws Exception {
    agent.close();
    agent = RunningAgent.start(YAML.replace("shutdown_timeout: 20s", "shutdown_timeout: 2s"));
    long accepted = 0;
    for (int i = 0; i < 50; i++) {
      HttpResponse<byte[]> r =
          RawHttp.post(
              agent.httpUrl("/v1/logs"), RawHttp.PROTOBUF, oneRecord("r" + i).toByteArray());
      if (r.statusCode() == 200) accepted++;
    }
    assertThat(accepted).isBetween(2L, 10L);

    long start = System.nanoTime();
    agent.stop();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("stop honours shutdown_timeout").isLessThan(Duration.ofSeconds(10));

    var m = agent.metrics();
    long delivered = m.counterSum("stacklens_exporter_sent_records_total", "exporter", "blocking");
    long droppedInPipeline =
        m.counterSum("stacklens_pipeline_dropped_records_total", "pipeline", "logs");
    long failedInExporter =
        m.counterSum("stacklens_exporter_send_failed_records_total", "exporter", "blocking");
    assertThat(delivered).isZero();
    assertThat(droppedInPipeline + failedInExporter)
        .as(
            "pipeline dropped %d + exporter failed %d, of %d acknowledged",
            droppedInPipeline, failedInExporter, accepted)
        .isEqualTo(accepted);
  }

  /** While the agent drains (here: forever, until the deadline), /health answers 503 "draining". */
  @Test
  void healthIs503WhileDraining() throws Exception {
    agent.close();
    agent = RunningAgent.start(YAML.replace("shutdown_timeout: 20s", "shutdown_timeout: 5s"));
    String health = "http://127.0.0.1:" + agent.adminPort() + "/health";
    assertThat(RawHttp.get(health).statusCode()).isEqualTo(200);
    RawHttp.post(agent.httpUrl("/v1/logs"), RawHttp.PROTOBUF, oneRecord("stuck").toByteArray());
    await().atMost(Duration.ofSeconds(5)).until(() -> BlockingExporter.pushesWaiting() == 1);

    Thread stopper = new Thread(agent::stop, "stopper");
    stopper.start();
    try {
      await()
          .atMost(Duration.ofSeconds(4))
          .untilAsserted(
              () -> {
                var r = RawHttp.get(health);
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body().replaceAll("\\s", "")).contains("\"status\":\"draining\"");
              });
    } finally {
      BlockingExporter.release();
      stopper.join(20_000);
    }
  }

  /**
   * Ring and exporter queue full: the pipeline cannot take another batch until the exporter moves.
   */
  private boolean saturated() {
    var m = agent.metrics();
    return m.gaugeValue("stacklens_pipeline_ring_size", "pipeline", "logs")
            == m.gaugeValue("stacklens_pipeline_ring_capacity", "pipeline", "logs")
        && m.gaugeValue("stacklens_exporter_queue_size", "exporter", "blocking")
            == m.gaugeValue("stacklens_exporter_queue_capacity", "exporter", "blocking");
  }

  private interface Call {
    void run();
  }

  private static StatusRuntimeException catchRefusal(Call call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("expected the gRPC export to be refused, but it was accepted");
  }

  private static ExportLogsServiceRequest oneRecord(String body) {
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
