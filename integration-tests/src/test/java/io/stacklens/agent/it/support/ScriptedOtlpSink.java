package io.stacklens.agent.it.support;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP logs server for exporter tests that answers each call with the next scripted {@link
 * Answer} (success once the script is used up) and records when each call came and how many records
 * it carried. Serves OTLP/gRPC ({@link #grpc()}) or OTLP/HTTP protobuf ({@link #http()}).
 */
public final class ScriptedOtlpSink implements AutoCloseable {
  /** One scripted answer. */
  public sealed interface Answer {}

  /** A gRPC status (with a RetryInfo delay when {@code retryDelay} is not null). */
  public record GrpcStatus(Code code, String message, Duration retryDelay) implements Answer {}

  /** An HTTP status with an optional Retry-After header value. */
  public record HttpStatus(int status, String retryAfter) implements Answer {}

  /** Success with a partial_success naming {@code rejected} records. */
  public record Partial(long rejected, String message) implements Answer {}

  /** A call as it arrived. */
  public record Call(long nanoTime, int records, String encoding) {}

  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private Server grpc;
  private HttpServer http;

  private ScriptedOtlpSink() {}

  /** A gRPC sink on a free port. */
  public static ScriptedOtlpSink grpc() throws IOException {
    ScriptedOtlpSink sink = new ScriptedOtlpSink();
    sink.grpc =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(sink.new Logs())
            .build()
            .start();
    return sink;
  }

  /** An HTTP sink on a free port, serving {@code /v1/logs}. */
  public static ScriptedOtlpSink http() throws IOException {
    ScriptedOtlpSink sink = new ScriptedOtlpSink();
    sink.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sink.http.createContext("/v1/logs", sink::handle);
    sink.http.start();
    return sink;
  }

  public ScriptedOtlpSink then(Answer answer) {
    script.add(answer);
    return this;
  }

  public int port() {
    return grpc != null ? grpc.getPort() : http.getAddress().getPort();
  }

  public List<Call> calls() {
    return calls;
  }

  private final class Logs extends LogsServiceGrpc.LogsServiceImplBase {
    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
      calls.add(new Call(System.nanoTime(), records(request), null));
      Answer answer = script.poll();
      if (answer instanceof GrpcStatus s) {
        com.google.rpc.Status.Builder status =
            com.google.rpc.Status.newBuilder()
                .setCode(s.code().getNumber())
                .setMessage(s.message());
        if (s.retryDelay() != null) {
          status.addDetails(
              Any.pack(
                  RetryInfo.newBuilder()
                      .setRetryDelay(
                          com.google.protobuf.Duration.newBuilder()
                              .setSeconds(s.retryDelay().getSeconds())
                              .setNanos(s.retryDelay().getNano()))
                      .build()));
        }
        response.onError(StatusProto.toStatusRuntimeException(status.build()));
        return;
      }
      response.onNext(success(answer));
      response.onCompleted();
    }
  }

  private static ExportLogsServiceResponse success(Answer answer) {
    if (answer instanceof Partial p) {
      return ExportLogsServiceResponse.newBuilder()
          .setPartialSuccess(
              ExportLogsPartialSuccess.newBuilder()
                  .setRejectedLogRecords(p.rejected())
                  .setErrorMessage(p.message()))
          .build();
    }
    return ExportLogsServiceResponse.getDefaultInstance();
  }

  private void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    byte[] body;
    try (InputStream in =
        "gzip".equals(encoding)
            ? new GZIPInputStream(exchange.getRequestBody())
            : "zstd".equals(encoding)
                ? new com.github.luben.zstd.ZstdInputStream(exchange.getRequestBody())
                : exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    calls.add(
        new Call(System.nanoTime(), records(ExportLogsServiceRequest.parseFrom(body)), encoding));
    Answer answer = script.poll();
    byte[] reply;
    int status = 200;
    if (answer instanceof HttpStatus s) {
      status = s.status();
      if (s.retryAfter() != null) exchange.getResponseHeaders().add("Retry-After", s.retryAfter());
      reply =
          com.google.rpc.Status.newBuilder()
              .setCode(Code.UNAVAILABLE_VALUE)
              .setMessage("scripted " + s.status())
              .build()
              .toByteArray();
    } else {
      reply = success(answer).toByteArray();
    }
    exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(status, reply.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply);
    }
  }

  private static int records(ExportLogsServiceRequest request) {
    return request.getResourceLogsList().stream()
        .flatMap(r -> r.getScopeLogsList().stream())
        .mapToInt(s -> s.getLogRecordsCount())
        .sum();
  }

  @Override
  public void close() {
    if (grpc != null) {
      grpc.shutdownNow();
      try {
        grpc.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (http != null) http.stop(0);
  }
}
