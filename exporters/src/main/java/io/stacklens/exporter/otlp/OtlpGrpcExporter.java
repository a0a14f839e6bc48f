package io.stacklens.exporter.otlp;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.otlp.GrpcZstd;
import io.stacklens.agent.otlp.OtlpRequests;
import io.stacklens.agent.otlp.RawBytesMarshaller;
import io.stacklens.agent.telemetry.RateLimitedLog;
import io.stacklens.agent.tls.ClientTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLException;

/**
 * The {@code otlp} exporter: each batch as one OTLP/gRPC {@code Export} call, encoded once from the
 * model, compressed by gRPC ({@code gzip} or {@code zstd}), with the configured headers as metadata
 * and a deadline of the exporter's {@code timeout}. What the server answers is turned into
 * retryable, permanent or partially rejected failures by {@link OtlpOutcomes}.
 */
final class OtlpGrpcExporter implements Exporter {
  private final ComponentContext context;
  private final OtlpGrpcExporterConfig config;
  private final OtlpGrpcExporterConfig.GrpcTarget target;
  private final Map<Signal, MethodDescriptor<byte[], ? extends Message>> methods =
      new EnumMap<>(Signal.class);
  private final RateLimitedLog warnings;
  private volatile ManagedChannel channel;
  private CallOptions options;

  OtlpGrpcExporter(ComponentContext context, OtlpGrpcExporterConfig config) {
    this.context = context;
    this.config = config;
    this.target = config.target();
    this.warnings = RateLimitedLog.of(context.logger());
    methods.put(Signal.LOGS, RawBytesMarshaller.rawRequests(LogsServiceGrpc.getExportMethod()));
    methods.put(Signal.TRACES, RawBytesMarshaller.rawRequests(TraceServiceGrpc.getExportMethod()));
    methods.put(
        Signal.METRICS, RawBytesMarshaller.rawRequests(MetricsServiceGrpc.getExportMethod()));
  }

  @Override
  public void start(Host host) throws SSLException {
    String where = "exporters." + context.id() + ".tls";
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(target.host(), target.port())
            .userAgent("stacklens-agent")
            .compressorRegistry(compressors())
            .intercept(MetadataUtils.newAttachHeadersInterceptor(metadata()));
    if (target.tls()) {
      ClientTls tls = ClientTls.create(config.tls, where);
      SslContextBuilder ssl =
          GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
              .trustManager(tls.trustManager())
              .protocols(tls.protocols());
      if (tls.keyManager() != null) ssl.keyManager(tls.keyManager());
      builder.sslContext(ssl.build()).useTransportSecurity();
      if (tls.serverNameOverride() != null) builder.overrideAuthority(tls.serverNameOverride());
    } else {
      builder.usePlaintext();
    }
    CallOptions base = CallOptions.DEFAULT;
    String encoding = config.compression.encoding();
    options = encoding == null ? base : base.withCompression(encoding);
    channel = builder.build();
    context
        .logger()
        .log(
            System.Logger.Level.INFO,
            "exporter "
                + context.id()
                + ": OTLP/gRPC to "
                + target
                + (target.tls() ? " over TLS" : " in plaintext")
                + ", compression "
                + config.compression.name().toLowerCase(java.util.Locale.ROOT));
  }

  private Metadata metadata() {
    Metadata metadata = new Metadata();
    config.headers.forEach(
        (name, value) ->
            metadata.put(
                Metadata.Key.of(
                    name.toLowerCase(java.util.Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER),
                value));
    return metadata;
  }

  /** gzip at its fastest level ({@link OtlpCompression#gzip}), and zstd (gRPC Java has none). */
  private static CompressorRegistry compressors() {
    CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
    registry.register(
        new Codec() {
          @Override
          public String getMessageEncoding() {
            return "gzip";
          }

          @Override
          public OutputStream compress(OutputStream os) throws IOException {
            return OtlpCompression.gzip(os);
          }

          @Override
          public InputStream decompress(InputStream is) throws IOException {
            return new GZIPInputStream(is);
          }
        });
    registry.register(GrpcZstd.INSTANCE);
    return registry;
  }

  @Override
  public void push(Batch batch) throws ExportException {
    byte[] request = OtlpRequests.encode(batch, false);
    Message response;
    try {
      response =
          ClientCalls.blockingUnaryCall(
              channel,
              methods.get(batch.signal()),
              options.withDeadlineAfter(config.timeout.toNanos(), TimeUnit.NANOSECONDS),
              request);
    } catch (StatusRuntimeException e) {
      throw OtlpOutcomes.fromGrpc(e, "OTLP/gRPC " + target);
    }
    OtlpOutcomes.accept(
        OtlpOutcomes.partialSuccess(response),
        "OTLP/gRPC " + target + " " + batch.signal().id(),
        warnings,
        context.id());
  }

  @Override
  public void shutdown(Instant deadline) {
    ManagedChannel c = channel;
    if (c == null) return;
    c.shutdown();
    try {
      long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      if (!c.awaitTermination(left, TimeUnit.MILLISECONDS)) c.shutdownNow();
    } catch (InterruptedException e) {
      c.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
