package io.stacklens.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Signal;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpGrpcReceiverTest {
  private ReceiverFixture fixture;
  private ManagedChannel channel;

  private void start(Signal... signals) throws Exception {
    fixture = new ReceiverFixture(signals);
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", fixture.receiver.grpcPort())
            .usePlaintext()
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    if (fixture != null) fixture.close();
  }

  private LogsServiceGrpc.LogsServiceBlockingStub logs() {
    return LogsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @Test
  void exportsLogsTracesAndMetrics() throws Exception {
    start(Signal.LOGS, Signal.TRACES, Signal.METRICS);

    ExportLogsServiceResponse logResponse = logs().export(TestData.logs(3));
    ExportTraceServiceResponse traceResponse =
        TraceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .export(TestData.traces(2));
    ExportMetricsServiceResponse metricResponse =
        MetricsServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .export(TestData.metrics(TestData.gauge("cpu", 4)));

    assertThat(logResponse.hasPartialSuccess()).isFalse();
    assertThat(traceResponse.hasPartialSuccess()).isFalse();
    assertThat(metricResponse.hasPartialSuccess()).isFalse();
    LogsBatch batch = (LogsBatch) fixture.consumer(Signal.LOGS).batches.get(0);
    assertThat(batch.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(1).body())
        .isEqualTo("line 1");
    assertThat(fixture.consumer(Signal.TRACES).records()).isEqualTo(2);
    assertThat(fixture.consumer(Signal.METRICS).records()).isEqualTo(4);
    assertThat(fixture.accepted(Signal.LOGS, "grpc")).isEqualTo(3);
    assertThat(fixture.accepted(Signal.TRACES, "grpc")).isEqualTo(2);
    assertThat(fixture.accepted(Signal.METRICS, "grpc")).isEqualTo(4);
    assertThat(fixture.metrics.toPrometheusText())
        .contains(
            "stacklens_receiver_request_duration_seconds_count{receiver=\"otlp\",transport=\"grpc\"} 3");
  }

  @Test
  void reportsOkHealthOnStart() throws Exception {
    start(Signal.LOGS);
    assertThat(fixture.health.components())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(ComponentKind.RECEIVER);
              assertThat(c.status()).isEqualTo(ComponentStatus.OK);
              assertThat(c.detail()).contains("gRPC 127.0.0.1:" + fixture.receiver.grpcPort());
            });
  }

  @Test
  void acceptsGzipCompressedRequests() throws Exception {
    start(Signal.LOGS);
    logs().withCompression("gzip").export(TestData.logs(5));
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(5);
  }

  @Test
  void invalidRecordsAreRejectedIndividuallyWithPartialSuccess() throws Exception {
    start(Signal.LOGS);
    ExportLogsServiceResponse response =
        logs()
            .export(
                TestData.logs(
                    TestData.log("ok", 9), TestData.log("bad", 42), TestData.log("ok too", 24)));
    assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "1 log records rejected; first: resource_logs[0].scope_logs[0].log_records[1]: severity_number 42 is outside 0..24");
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(2);
    assertThat(fixture.refused(Signal.LOGS, "grpc", "invalid")).isEqualTo(1);
    assertThat(fixture.accepted(Signal.LOGS, "grpc")).isEqualTo(2);
  }

  @Test
  void fullPipelineAnswersResourceExhaustedWithRetryInfo() throws Exception {
    start(Signal.LOGS);
    fixture.consumer(Signal.LOGS).answer = () -> Admission.REFUSED_FULL;

    StatusRuntimeException e = catchStatus(() -> logs().export(TestData.logs(4)));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("logs pipeline is full");
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status.getDetailsList()).hasSize(1);
    RetryInfo retry = status.getDetails(0).unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
    assertThat(retry.getRetryDelay().getNanos()).isEqualTo(500_000_000);
    assertThat(fixture.refused(Signal.LOGS, "grpc", "ring_full")).isEqualTo(4);
  }

  @Test
  void shuttingDownPipelineAnswersUnavailable() throws Exception {
    start(Signal.LOGS);
    fixture.consumer(Signal.LOGS).answer = () -> Admission.REFUSED_SHUTTING_DOWN;
    StatusRuntimeException e = catchStatus(() -> logs().export(TestData.logs(2)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(fixture.refused(Signal.LOGS, "grpc", "shutting_down")).isEqualTo(2);
  }

  @Test
  void signalWithoutPipelineIsUnimplemented() throws Exception {
    start(Signal.LOGS);
    StatusRuntimeException e =
        catchStatus(
            () ->
                TraceServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .export(TestData.traces(1)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(e.getStatus().getDescription())
        .contains("no pipeline takes traces from receiver otlp");
  }

  @Test
  void truncatedProtobufIsInvalidArgumentWithAMessageAndTheServerKeepsServing() throws Exception {
    start(Signal.LOGS);
    byte[] whole = TestData.logs(3).toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 7);
    var method =
        io.stacklens.agent.otlp.RawBytesMarshaller.rawRequests(LogsServiceGrpc.getExportMethod());
    StatusRuntimeException e =
        catchStatus(
            () ->
                io.grpc.stub.ClientCalls.blockingUnaryCall(
                    channel,
                    method,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
                    truncated));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .startsWith("malformed opentelemetry.proto.collector.logs.v1.LogsService/Export request: ");
    logs().export(TestData.logs(1));
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(1);
  }

  @Test
  void messageLargerThanTheLimitIsRefusedAndTheServerKeepsServing() throws Exception {
    start(Signal.LOGS);
    StatusRuntimeException e =
        catchStatus(() -> logs().export(TestData.logs(TestData.log("x".repeat(70_000), 9))));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    logs().export(TestData.logs(1));
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(1);
  }

  @Test
  void shutdownLetsTheCallInProgressFinishAndRefusesNewOnes() throws Exception {
    start(Signal.LOGS);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
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
    var inFlight = CompletableFuture.supplyAsync(() -> logs().export(TestData.logs(1)));
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    var shutdown =
        CompletableFuture.runAsync(() -> fixture.receiver.shutdown(Instant.now().plusSeconds(5)));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(catchStatus(() -> logs().export(TestData.logs(1))).getStatus().getCode())
                    .isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(shutdown).isNotDone();

    release.countDown();
    assertThat(inFlight.get(5, TimeUnit.SECONDS).hasPartialSuccess()).isFalse();
    shutdown.get(5, TimeUnit.SECONDS);
    assertThat(fixture.consumer(Signal.LOGS).records()).isEqualTo(1);
  }

  static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("expected the call to fail");
  }

  @Test
  void shutdownIsIdempotentAndSafeBeforeStart() throws Exception {
    OtlpReceiver notStarted =
        (OtlpReceiver)
            new OtlpReceiverFactory()
                .createReceiver(
                    io.stacklens.agent.api.ComponentContext.of(
                        io.stacklens.agent.api.ComponentId.of("otlp"),
                        ComponentKind.RECEIVER,
                        new io.stacklens.agent.telemetry.MetricsRegistry()),
                    ReceiverFixture.config(),
                    java.util.Map.of());
    notStarted.shutdown(Instant.now().plusSeconds(1));
    notStarted.shutdown(Instant.now().plusSeconds(1));
    assertThatThrownBy(() -> notStarted.start(new io.stacklens.agent.admin.HealthRegistry()))
        .isInstanceOf(IllegalStateException.class);
  }
}
