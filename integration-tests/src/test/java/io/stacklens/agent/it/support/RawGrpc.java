package io.stacklens.agent.it.support;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.stacklens.agent.otlp.RawBytesMarshaller;
import java.util.concurrent.TimeUnit;

/**
 * A plain gRPC client of the OTLP logs service: typed calls through the generated stub, and raw
 * byte calls (for payloads no typed client would send, such as truncated protobuf).
 */
public final class RawGrpc implements AutoCloseable {
  private static final MethodDescriptor<byte[], byte[]> RAW_LOGS_EXPORT =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(LogsServiceGrpc.getExportMethod().getFullMethodName())
          .setRequestMarshaller(RawBytesMarshaller.INSTANCE)
          .setResponseMarshaller(RawBytesMarshaller.INSTANCE)
          .build();

  private final ManagedChannel channel;

  public RawGrpc(int port) {
    this.channel =
        Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
  }

  public ExportLogsServiceResponse export(ExportLogsServiceRequest request) {
    return LogsServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .export(request);
  }

  public ExportLogsServiceResponse exportGzip(ExportLogsServiceRequest request) {
    return LogsServiceGrpc.newBlockingStub(channel)
        .withCompression("gzip")
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .export(request);
  }

  /** Sends {@code body} as the message bytes of {@code LogsService/Export}. */
  public byte[] exportRaw(byte[] body) {
    return ClientCalls.blockingUnaryCall(
        channel,
        RAW_LOGS_EXPORT,
        CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
        body);
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
