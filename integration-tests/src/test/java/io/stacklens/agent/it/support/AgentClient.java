package io.stacklens.agent.it.support;

import io.grpc.CallOptions;
import io.grpc.Codec;
import io.grpc.Compressor;
import io.grpc.CompressorRegistry;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.otlp.RawBytesMarshaller;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends {@link Request}s to an agent's OTLP (HTTP and gRPC) and {@code http_json} receivers and
 * returns every outcome as an {@link Answer}, never as an exception. HTTP goes over {@link
 * Http1Connection}s (one keep-alive connection per thread and port); gRPC over one channel with
 * raw-bytes marshalling, so any bytes can be sent, and a second channel whose "gzip" compressor
 * passes bytes through, for bodies that are gzip data already (truncated, bombs).
 */
public final class AgentClient implements AutoCloseable {
  private static final Map<Signal, MethodDescriptor<byte[], byte[]>> METHODS =
      new EnumMap<>(Signal.class);

  static {
    METHODS.put(Signal.LOGS, raw(LogsServiceGrpc.getExportMethod().getFullMethodName()));
    METHODS.put(Signal.TRACES, raw(TraceServiceGrpc.getExportMethod().getFullMethodName()));
    METHODS.put(Signal.METRICS, raw(MetricsServiceGrpc.getExportMethod().getFullMethodName()));
  }

  private final int httpPort;
  private final int ingestPort;
  private final Duration timeout;
  private final ManagedChannel grpc;
  private final ManagedChannel grpcPregzipped;
  private final ThreadLocal<Map<Integer, Http1Connection>> connections =
      ThreadLocal.withInitial(HashMap::new);
  private final Queue<Http1Connection> all = new ConcurrentLinkedQueue<>();

  /**
   * @param timeout how long one request may take before it counts as unanswered; generous, so a
   *     loaded machine does not turn a slow answer into a failure
   */
  public AgentClient(int grpcPort, int httpPort, int ingestPort, Duration timeout) {
    this.httpPort = httpPort;
    this.ingestPort = ingestPort;
    this.timeout = timeout;
    this.grpc =
        grpcPort <= 0
            ? null
            : Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
                .build();
    CompressorRegistry passThrough = CompressorRegistry.newEmptyInstance();
    passThrough.register(Codec.Identity.NONE);
    passThrough.register(new AlreadyGzipped());
    this.grpcPregzipped =
        grpcPort <= 0
            ? null
            : Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
                .compressorRegistry(passThrough)
                .build();
  }

  private static MethodDescriptor<byte[], byte[]> raw(String fullMethodName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(RawBytesMarshaller.INSTANCE)
        .setResponseMarshaller(RawBytesMarshaller.INSTANCE)
        .build();
  }

  /** Sends {@code r} and returns what came back (or that nothing did). */
  public Answer send(Request r) {
    return r.transport() == Transport.OTLP_GRPC ? sendGrpc(r) : sendHttp(r);
  }

  private Answer sendHttp(Request r) {
    int port = r.transport() == Transport.HTTP_JSON ? ingestPort : httpPort;
    Map<String, String> headers = new LinkedHashMap<>();
    if (r.contentType() != null) headers.put("Content-Type", r.contentType());
    if (r.contentEncoding() != null) headers.put("Content-Encoding", r.contentEncoding());
    headers.putAll(r.headers());
    long start = System.nanoTime();
    Http1Connection connection =
        connections
            .get()
            .computeIfAbsent(
                port,
                p -> {
                  Http1Connection c = new Http1Connection("127.0.0.1", p, timeout);
                  all.add(c);
                  return c;
                });
    try {
      Http1Connection.Response response =
          connection.exchange(r.method(), r.path(), headers, r.body());
      return Answer.http(
          r, response.status(), response.headers(), response.body(), System.nanoTime() - start);
    } catch (Http1Connection.NoAnswerException e) {
      return Answer.none(r, e.getMessage(), System.nanoTime() - start);
    }
  }

  private Answer sendGrpc(Request r) {
    boolean pregzipped = r.contentEncoding() != null;
    CallOptions options =
        CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (pregzipped) options = options.withCompression("gzip");
    long start = System.nanoTime();
    try {
      byte[] response =
          ClientCalls.blockingUnaryCall(
              pregzipped ? grpcPregzipped : grpc, METHODS.get(r.signal()), options, r.body());
      return Answer.grpc(
          r, io.grpc.Status.Code.OK, null, null, response, System.nanoTime() - start);
    } catch (StatusRuntimeException e) {
      com.google.rpc.Status details =
          StatusProto.fromStatusAndTrailers(e.getStatus(), e.getTrailers());
      return Answer.grpc(
          r,
          e.getStatus().getCode(),
          e.getStatus().getDescription(),
          details,
          null,
          System.nanoTime() - start);
    } catch (RuntimeException e) {
      return Answer.none(r, "gRPC client failed: " + e, System.nanoTime() - start);
    }
  }

  /** Closes this thread's HTTP connections (the next request opens new ones). */
  public void dropConnections() {
    connections.get().values().forEach(Http1Connection::close);
    connections.get().clear();
  }

  @Override
  public void close() {
    all.forEach(Http1Connection::close);
    for (ManagedChannel c : new ManagedChannel[] {grpc, grpcPregzipped}) {
      if (c == null) continue;
      try {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A compressor named "gzip" that writes the message as it is: for bodies that are gzip data
   * already, so the agent receives exactly those bytes as a compressed gRPC message.
   */
  private static final class AlreadyGzipped implements Compressor {
    @Override
    public String getMessageEncoding() {
      return "gzip";
    }

    @Override
    public OutputStream compress(OutputStream os) {
      return os;
    }
  }
}
