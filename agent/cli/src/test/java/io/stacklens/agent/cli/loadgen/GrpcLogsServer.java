package io.stacklens.agent.cli.loadgen;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny OTLP/gRPC logs server on 127.0.0.1 that counts what it accepts and can refuse on demand.
 */
final class GrpcLogsServer implements AutoCloseable {
  final AtomicLong acceptedRecords = new AtomicLong();
  final AtomicInteger acceptedRequests = new AtomicInteger();
  final AtomicInteger refusedRequests = new AtomicInteger();

  /** Arrival times (nanoTime) of every request, in order. */
  final List<Long> arrivals = new CopyOnWriteArrayList<>();

  private final AtomicInteger toRefuse;
  private final Duration retryDelay;
  private final Status failWith;
  private final long rejectPerRequest;
  private final Server server;

  private GrpcLogsServer(
      int refuseFirst, Duration retryDelay, Status failWith, long rejectPerRequest)
      throws IOException {
    this.toRefuse = new AtomicInteger(refuseFirst);
    this.retryDelay = retryDelay;
    this.failWith = failWith;
    this.rejectPerRequest = rejectPerRequest;
    this.server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(new Service())
            .build()
            .start();
  }

  static GrpcLogsServer accepting() throws IOException {
    return new GrpcLogsServer(0, null, null, 0);
  }

  /**
   * Refuses the first {@code count} requests with RESOURCE_EXHAUSTED and a RetryInfo of {@code
   * delay}.
   */
  static GrpcLogsServer refusingFirst(int count, Duration delay) throws IOException {
    return new GrpcLogsServer(count, delay, null, 0);
  }

  static GrpcLogsServer failingWith(Status status) throws IOException {
    return new GrpcLogsServer(0, null, status, 0);
  }

  static GrpcLogsServer rejectingInPartialSuccess(long perRequest) throws IOException {
    return new GrpcLogsServer(0, null, null, perRequest);
  }

  String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Service extends LogsServiceGrpc.LogsServiceImplBase {
    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
      arrivals.add(System.nanoTime());
      if (failWith != null) {
        response.onError(failWith.asRuntimeException());
        return;
      }
      if (toRefuse.getAndDecrement() > 0) {
        refusedRequests.incrementAndGet();
        response.onError(StatusProto.toStatusRuntimeException(refusal()));
        return;
      }
      long records =
          request.getResourceLogsList().stream()
              .flatMap(r -> r.getScopeLogsList().stream())
              .mapToLong(s -> s.getLogRecordsCount())
              .sum();
      acceptedRecords.addAndGet(records - rejectPerRequest);
      acceptedRequests.incrementAndGet();
      ExportLogsServiceResponse.Builder answer = ExportLogsServiceResponse.newBuilder();
      if (rejectPerRequest > 0) {
        answer.setPartialSuccess(
            ExportLogsPartialSuccess.newBuilder()
                .setRejectedLogRecords(rejectPerRequest)
                .setErrorMessage("test rejects some"));
      }
      response.onNext(answer.build());
      response.onCompleted();
    }

    private com.google.rpc.Status refusal() {
      RetryInfo retry =
          RetryInfo.newBuilder()
              .setRetryDelay(
                  com.google.protobuf.Duration.newBuilder()
                      .setSeconds(retryDelay.getSeconds())
                      .setNanos(retryDelay.getNano()))
              .build();
      return com.google.rpc.Status.newBuilder()
          .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
          .setMessage("test server is full")
          .addDetails(Any.pack(retry))
          .build();
    }
  }
}
