package io.stacklens.agent.cli.loadgen;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.stacklens.agent.otlp.RawBytesMarshaller;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC sender: one plaintext HTTP/2 channel (grpc-netty-shaded) and the {@code LogsService}
 * future stub. Callbacks run on the channel's event loop, which keeps the sender cheap.
 */
final class GrpcLogsSender implements LogsSender {
  private final ManagedChannel channel;
  private final MethodDescriptor<byte[], ExportLogsServiceResponse> export;
  private final CallOptions callOptions;
  private final long timeoutMillis;

  GrpcLogsSender(LoadgenOptions options) {
    this.channel =
        Grpc.newChannelBuilder(target(options.endpoint()), InsecureChannelCredentials.create())
            .directExecutor()
            .userAgent("stacklens-loadgen")
            .build();
    // The request bytes are encoded once by the pool; a pass-through marshaller sends them as they
    // are.
    this.export = RawBytesMarshaller.rawRequests(LogsServiceGrpc.getExportMethod());
    this.callOptions =
        options.gzip() ? CallOptions.DEFAULT.withCompression("gzip") : CallOptions.DEFAULT;
    this.timeoutMillis = options.requestTimeout().toMillis();
  }

  /**
   * {@code host:port} from an endpoint that may carry an {@code http://} or {@code grpc://} scheme.
   */
  static String target(String endpoint) {
    String target = endpoint.strip();
    for (String scheme : new String[] {"http://", "grpc://"}) {
      if (target.startsWith(scheme)) {
        target = target.substring(scheme.length());
      }
    }
    return target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
  }

  @Override
  public CompletableFuture<SendResult> send(PreparedRequest request) {
    CompletableFuture<SendResult> result = new CompletableFuture<>();
    ListenableFuture<ExportLogsServiceResponse> call =
        ClientCalls.futureUnaryCall(
            channel.newCall(
                export, callOptions.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)),
            request.body());
    call.addListener(() -> result.complete(outcome(call)), MoreExecutors.directExecutor());
    return result;
  }

  private static SendResult outcome(ListenableFuture<ExportLogsServiceResponse> call) {
    try {
      ExportLogsServiceResponse response = call.get();
      return new SendResult.Accepted(response.getPartialSuccess().getRejectedLogRecords());
    } catch (ExecutionException e) {
      return failure(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new SendResult.Failed("CANCELLED", "interrupted");
    } catch (RuntimeException e) { // CancellationException
      return failure(e);
    }
  }

  private static SendResult failure(Throwable error) {
    Status status = Status.fromThrowable(error);
    String code = status.getCode().name();
    return switch (status.getCode()) {
      case RESOURCE_EXHAUSTED, UNAVAILABLE -> new SendResult.Refused(code, retryDelay(error));
      default -> new SendResult.Failed(code, String.valueOf(status.getDescription()));
    };
  }

  /** The delay of a {@code google.rpc.RetryInfo} detail in the status, null when there is none. */
  static Duration retryDelay(Throwable error) {
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    if (status == null) {
      return null;
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          return Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
        } catch (InvalidProtocolBufferException e) {
          return null;
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
