package io.stacklens.receiver.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.ForwardingServerCall;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.stacklens.agent.http.Endpoint;
import io.stacklens.agent.otlp.RawBytesMarshaller;
import io.stacklens.agent.telemetry.LatencyHistogram;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC: the Logs, Trace and Metrics export services on one Netty gRPC server. Calls run on the
 * receiver's bounded {@link RequestExecutor}; gzip-compressed requests are understood out of the box.
 */
final class OtlpGrpcServer {
  private final Server server;

  private OtlpGrpcServer(Server server) {
    this.server = server;
  }

  /** Binds and serves; calls run on {@code executor} (bounded, owned by the caller). */
  static OtlpGrpcServer start(
      String receiver, Endpoint endpoint, int maxMessageBytes, OtlpIngest ingest, Executor executor) throws IOException {
    Services services = new Services(ingest);
    ServerInterceptor timing = new TimingInterceptor(ingest.metrics().duration(Transport.GRPC));
    Server server =
        NettyServerBuilder.forAddress(endpoint.toSocketAddress())
            .executor(executor)
            .maxInboundMessageSize(maxMessageBytes)
            .addService(ServerInterceptors.intercept(
                services.service(LogsServiceGrpc.SERVICE_NAME, LogsServiceGrpc.getExportMethod(), LogsSignal.INSTANCE), timing))
            .addService(ServerInterceptors.intercept(
                services.service(TraceServiceGrpc.SERVICE_NAME, TraceServiceGrpc.getExportMethod(), TracesSignal.INSTANCE), timing))
            .addService(ServerInterceptors.intercept(
                services.service(MetricsServiceGrpc.SERVICE_NAME, MetricsServiceGrpc.getExportMethod(), MetricsSignal.INSTANCE), timing))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new IOException(receiver + ": cannot listen for gRPC on " + endpoint + ": " + e.getMessage(), e);
    }
    return new OtlpGrpcServer(server);
  }

  int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /** Stops accepting calls, lets running ones finish until {@code deadline}, then cancels the rest. */
  void shutdown(Instant deadline) {
    server.shutdown();
    try {
      if (!server.awaitTermination(millisUntil(deadline), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static long millisUntil(Instant deadline) {
    return Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
  }

  /**
   * The three export services. Requests arrive as raw bytes (see {@link RawBytesMarshaller}) and are decoded
   * here, so a malformed payload is answered INVALID_ARGUMENT with what is wrong, instead of the
   * INTERNAL that gRPC's own decoder would send.
   */
  private record Services(OtlpIngest ingest) {
    <Q, R extends Message> ServerServiceDefinition service(
        String serviceName, MethodDescriptor<?, R> generated, OtlpSignal<Q, R> signal) {
      MethodDescriptor<byte[], R> method = RawBytesMarshaller.rawRequests(generated);
      return ServerServiceDefinition.builder(serviceName)
          .addMethod(method, ServerCalls.asyncUnaryCall((byte[] body, StreamObserver<R> observer) ->
              answer(ingest.export(signal, body, false, Transport.GRPC), generated, observer)))
          .build();
    }

    private <R extends Message> void answer(
        OtlpIngest.Result<R> result, MethodDescriptor<?, R> method, StreamObserver<R> observer) {
      switch (result.outcome()) {
        case ACCEPTED -> {
          observer.onNext(result.response());
          observer.onCompleted();
        }
        case PIPELINE_FULL, MEMORY_LIMIT -> observer.onError(retryable(Code.RESOURCE_EXHAUSTED, result.message()));
        case SHUTTING_DOWN -> observer.onError(retryable(Code.UNAVAILABLE, result.message()));
        case NO_PIPELINE -> observer.onError(Status.UNIMPLEMENTED.withDescription(result.message()).asRuntimeException());
        case MALFORMED -> observer.onError(Status.INVALID_ARGUMENT
            .withDescription("malformed " + method.getFullMethodName() + " request: " + result.message())
            .asRuntimeException());
        case TOO_LARGE -> observer.onError(Status.RESOURCE_EXHAUSTED.withDescription(result.message()).asRuntimeException());
      }
    }

    private Throwable retryable(Code code, String message) {
      Duration delay = ingest.retryAfter();
      RetryInfo retry =
          RetryInfo.newBuilder()
              .setRetryDelay(
                  com.google.protobuf.Duration.newBuilder().setSeconds(delay.getSeconds()).setNanos(delay.getNano()))
              .build();
      com.google.rpc.Status status =
          com.google.rpc.Status.newBuilder()
              .setCode(code.getNumber())
              .setMessage(message)
              .addDetails(Any.pack(retry))
              .build();
      return StatusProto.toStatusRuntimeException(status);
    }
  }

  /** Records the time from a call's start to its close. */
  private record TimingInterceptor(LatencyHistogram histogram) implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      long start = System.nanoTime();
      return next.startCall(
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
              histogram.recordNanos(System.nanoTime() - start);
              super.close(status, trailers);
            }
          },
          headers);
    }
  }
}
