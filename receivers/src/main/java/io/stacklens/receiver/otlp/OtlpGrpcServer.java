package io.stacklens.receiver.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.DecompressorRegistry;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.auth.AuthSettings;
import io.stacklens.agent.auth.Authenticator;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.http.Endpoint;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.otlp.GrpcZstd;
import io.stacklens.agent.otlp.RawRequest;
import io.stacklens.agent.otlp.RawRequestMarshaller;
import io.stacklens.agent.telemetry.LatencyHistogram;
import io.stacklens.agent.telemetry.RateLimitedLog;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * OTLP/gRPC: the Logs, Trace and Metrics export services on one Netty gRPC server. Calls run on the
 * receiver's bounded {@link io.stacklens.agent.http.RequestExecutor}; gzip- and zstd-compressed
 * requests are understood.
 *
 * <p>Protections (docs/receivers/otlp.md, "Server protections"), from the socket inwards: {@code
 * max_connections} and a handshake timeout ({@link GrpcServerChannel}, {@link
 * Http2ConnectionWatch}); gRPC's own limits on streams per connection, RST_STREAM rate (rapid
 * reset), pings, metadata size and connection lifetime; a call refused at start while the memory
 * budget is exhausted, a request message that must arrive within {@code read_timeout} ({@link
 * CallGuard}); message bytes counted against the budget as they arrive and as they are decompressed
 * ({@link RawRequestMarshaller}).
 */
final class OtlpGrpcServer {
  /**
   * grpc-java logs, at WARNING with a stack trace, every message it cannot deframe (too large,
   * truncated) and every stream error (a stream over max_concurrent_streams, a malformed frame): a
   * log flood anyone can cause. Those lines go through a rate-limited log instead (one per kind per
   * minute, with a count); the refusals themselves are counted by {@link Http2ConnectionWatch}. The
   * loggers are held here so they keep their filter.
   */
  private static final Logger[] GRPC_LOGGERS = {
    Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream"),
    Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler")
  };

  private static final System.Logger LOG = System.getLogger(OtlpGrpcServer.class.getName());
  private static final RateLimitedLog GRPC_LOG = RateLimitedLog.of(LOG);

  static {
    for (Logger logger : GRPC_LOGGERS) {
      Filter previous = logger.getFilter();
      logger.setFilter(
          record -> {
            if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
              Throwable cause = record.getThrown();
              GRPC_LOG.warn(
                  logger.getName() + ": " + record.getMessage(),
                  () ->
                      "gRPC: "
                          + record.getMessage()
                          + (cause == null ? "" : ": " + cause.getMessage()));
              return false;
            }
            return previous == null || previous.isLoggable(record);
          });
    }
  }

  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ScheduledExecutorService timers;

  private OtlpGrpcServer(
      Server server, EventLoopGroup boss, EventLoopGroup workers, ScheduledExecutorService timers) {
    this.server = server;
    this.boss = boss;
    this.workers = workers;
    this.timers = timers;
  }

  /**
   * Binds and serves; calls run on {@code executor} (bounded, owned by the caller). Request bytes
   * are counted against {@code memory}; refusals go to {@code refusals}.
   */
  static OtlpGrpcServer start(
      String receiver,
      OtlpReceiverConfig.GrpcSettings settings,
      OtlpIngest ingest,
      Executor executor,
      MemoryLimiter memory,
      ServerRefusals refusals)
      throws IOException {
    Endpoint endpoint = Endpoint.parse(settings.endpoint);
    int maxMessageBytes = (int) settings.maxRecvMsgSize.bytes();
    String threadName = receiver.replace('/', '-') + "-grpc";
    int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    EventLoopGroup boss =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory(threadName + "-accept", true), NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            ioThreads, new DefaultThreadFactory(threadName, true), NioIoHandler.newFactory());
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName + "-timers"));
    timers.setRemoveOnCancelPolicy(
        true); // one read deadline per call, nearly all cancelled: do not let them pile up
    int rstWindowSeconds = (int) settings.rstFramesWindow.toSeconds();
    Http2ConnectionWatch.Settings watch =
        new Http2ConnectionWatch.Settings(
            memory,
            refusals,
            settings.handshakeTimeout,
            maxMessageBytes,
            settings.maxRstFramesPerWindow,
            settings.rstFramesWindow);
    AtomicInteger open = new AtomicInteger();
    ServerTls tls =
        ServerTls.forGrpc(settings.tls, "receivers." + receiver + ".protocols.grpc.tls");

    Services services =
        new Services(
            ingest,
            new RawRequestMarshaller(
                memory,
                maxMessageBytes,
                "receivers." + receiver + ".protocols.grpc.max_recv_msg_size"),
            refusals);
    Authenticator auth = AuthSettings.authenticator(settings.auth);
    ServerInterceptor timing = new TimingInterceptor(ingest.metrics().duration(Transport.GRPC));
    ServerInterceptor guard =
        new CallGuard(memory, refusals, ingest.retryAfter(), settings.readTimeout, timers);
    OtlpReceiverConfig.ServerParameters keepalive = settings.keepalive.serverParameters;
    OtlpReceiverConfig.EnforcementPolicy enforcement = settings.keepalive.enforcementPolicy;
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(endpoint.toSocketAddress())
            .channelFactory(() -> new GrpcServerChannel(settings.maxConnections, open, watch, tls))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .executor(executor)
            .decompressorRegistry(
                DecompressorRegistry.getDefaultInstance()
                    .with(new LazyGzip(), true)
                    .with(GrpcZstd.INSTANCE, true))
            .maxInboundMessageSize(maxMessageBytes)
            .maxInboundMetadataSize((int) settings.maxHeaderListSize.bytes())
            .maxConcurrentCallsPerConnection(settings.maxConcurrentStreams)
            .maxRstFramesPerWindow(settings.maxRstFramesPerWindow, rstWindowSeconds)
            .keepAliveTime(keepalive.time.toNanos(), TimeUnit.NANOSECONDS)
            .keepAliveTimeout(keepalive.timeout.toNanos(), TimeUnit.NANOSECONDS)
            .permitKeepAliveTime(enforcement.minTime.toNanos(), TimeUnit.NANOSECONDS)
            .permitKeepAliveWithoutCalls(enforcement.permitWithoutStream)
            // A backstop behind Http2ConnectionWatch's own (counted) handshake timeout, well after
            // it:
            // gRPC starts its clock before a connection's first (slow, class-loading) set-up.
            .handshakeTimeout(
                settings.handshakeTimeout.plusSeconds(10).toNanos(), TimeUnit.NANOSECONDS);
    if (!keepalive.maxConnectionIdle.isZero())
      builder.maxConnectionIdle(keepalive.maxConnectionIdle.toNanos(), TimeUnit.NANOSECONDS);
    if (!keepalive.maxConnectionAge.isZero())
      builder.maxConnectionAge(keepalive.maxConnectionAge.toNanos(), TimeUnit.NANOSECONDS);
    if (!keepalive.maxConnectionAgeGrace.isZero()) {
      builder.maxConnectionAgeGrace(
          keepalive.maxConnectionAgeGrace.toNanos(), TimeUnit.NANOSECONDS);
    }
    for (ServerServiceDefinition service :
        new ServerServiceDefinition[] {
          services.service(
              LogsServiceGrpc.SERVICE_NAME, LogsServiceGrpc.getExportMethod(), LogsSignal.INSTANCE),
          services.service(
              TraceServiceGrpc.SERVICE_NAME,
              TraceServiceGrpc.getExportMethod(),
              TracesSignal.INSTANCE),
          services.service(
              MetricsServiceGrpc.SERVICE_NAME,
              MetricsServiceGrpc.getExportMethod(),
              MetricsSignal.INSTANCE)
        }) {
      // Applied last to first: timing, then authentication, then the guard.
      builder.addService(
          auth == null
              ? ServerInterceptors.intercept(service, guard, timing)
              : ServerInterceptors.intercept(
                  service, guard, new AuthGuard(auth, refusals), timing));
    }
    Server server = builder.build();
    OtlpGrpcServer started = new OtlpGrpcServer(server, boss, workers, timers);
    try {
      server.start();
    } catch (IOException e) {
      started.stopLoops();
      throw new IOException(
          receiver + ": cannot listen for gRPC on " + endpoint + ": " + e.getMessage(), e);
    }
    String plaintext =
        tls != null ? null : endpoint.plaintextWarning(receiver + " (grpc)", "protocols.grpc.tls");
    if (plaintext != null) LOG.log(System.Logger.Level.WARNING, plaintext);
    return started;
  }

  int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /**
   * Stops accepting calls, lets running ones finish until {@code deadline}, then cancels the rest.
   */
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
    stopLoops();
  }

  private void stopLoops() {
    timers.shutdownNow();
    boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
  }

  private static long millisUntil(Instant deadline) {
    return Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
  }

  /**
   * A retryable error status: {@code code} with a {@code google.rpc.RetryInfo} of {@code delay}.
   */
  static StatusRuntimeException retryable(Code code, String message, Duration delay) {
    RetryInfo retry =
        RetryInfo.newBuilder()
            .setRetryDelay(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(delay.getSeconds())
                    .setNanos(delay.getNano()))
            .build();
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message)
            .addDetails(Any.pack(retry))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /**
   * The three export services. Requests arrive as {@link RawRequest}s (see {@link
   * RawRequestMarshaller}) and are decoded here, so a malformed payload is answered
   * INVALID_ARGUMENT with what is wrong, instead of the INTERNAL that gRPC's own decoder would
   * send. The request's memory reservation is released once the export returned.
   */
  private record Services(
      OtlpIngest ingest, RawRequestMarshaller marshaller, ServerRefusals refusals) {
    <Q, R extends Message> ServerServiceDefinition service(
        String serviceName, MethodDescriptor<?, R> generated, OtlpSignal<Q, R> signal) {
      MethodDescriptor<RawRequest, R> method = marshaller.rawRequests(generated);
      return ServerServiceDefinition.builder(serviceName)
          .addMethod(
              method,
              ServerCalls.asyncUnaryCall(
                  (RawRequest raw, StreamObserver<R> observer) -> {
                    try {
                      if (raw.failed()) {
                        observer.onError(unreadable(raw, generated.getFullMethodName()));
                        return;
                      }
                      ingest
                          .export(signal, raw.bytes(), false, Transport.GRPC)
                          .thenAccept(result -> answer(result, generated, observer));
                    } finally {
                      raw.release();
                    }
                  }))
          .build();
    }

    /** The answer to a message the marshaller could not read; counted and logged. */
    private Throwable unreadable(RawRequest raw, String methodName) {
      Status failure = raw.failure();
      refusals.refusedRequest(
          raw.reason(),
          () ->
              "answered "
                  + failure.getCode()
                  + " to "
                  + methodName
                  + ": "
                  + failure.getDescription());
      if (raw.retryable())
        return retryable(
            Code.forNumber(failure.getCode().value()),
            failure.getDescription(),
            ingest.retryAfter());
      return failure.asRuntimeException();
    }

    private <R extends Message> void answer(
        OtlpIngest.Result<R> result, MethodDescriptor<?, R> method, StreamObserver<R> observer) {
      switch (result.outcome()) {
        case ACCEPTED -> {
          observer.onNext(result.response());
          observer.onCompleted();
        }
        case PIPELINE_FULL, MEMORY_LIMIT ->
            observer.onError(
                retryable(Code.RESOURCE_EXHAUSTED, result.message(), ingest.retryAfter()));
        case SHUTTING_DOWN ->
            observer.onError(retryable(Code.UNAVAILABLE, result.message(), ingest.retryAfter()));
        case NO_PIPELINE ->
            observer.onError(
                Status.UNIMPLEMENTED.withDescription(result.message()).asRuntimeException());
        case MALFORMED ->
            observer.onError(
                Status.INVALID_ARGUMENT
                    .withDescription(
                        "malformed " + method.getFullMethodName() + " request: " + result.message())
                    .asRuntimeException());
        case TOO_LARGE ->
            observer.onError(
                Status.RESOURCE_EXHAUSTED.withDescription(result.message()).asRuntimeException());
      }
    }
  }

  /**
   * With {@code auth}: a call whose {@code authorization} metadata does not carry the credential is
   * closed with {@code UNAUTHENTICATED} before its message is read, and counted.
   */
  private record AuthGuard(Authenticator auth, ServerRefusals refusals)
      implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      String authorization = headers.get(AUTHORIZATION);
      if (auth.accepts(authorization)) return next.startCall(call, headers);
      String why = auth.refusal(authorization);
      String method = call.getMethodDescriptor().getFullMethodName();
      Object from = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      refusals.refusedRequest(
          ServerRefusals.UNAUTHENTICATED,
          () -> "answered UNAUTHENTICATED to " + method + " from " + from + ": " + why);
      call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
      return new ServerCall.Listener<>() {};
    }
  }

  /**
   * Refuses a call at its start, before its message is read, while the memory budget is exhausted
   * (RESOURCE_EXHAUSTED with RetryInfo), and cancels a call whose request message has not fully
   * arrived within {@code read_timeout} (DEADLINE_EXCEEDED), which frees what gRPC buffered for it.
   */
  private record CallGuard(
      MemoryLimiter memory,
      ServerRefusals refusals,
      Duration retryAfter,
      Duration readTimeout,
      ScheduledExecutorService timers)
      implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      String method = call.getMethodDescriptor().getFullMethodName();
      if (memory.isExhausted()) {
        refusals.refusedRequest(
            ServerRefusals.MEMORY_LIMIT,
            () ->
                "answered RESOURCE_EXHAUSTED to "
                    + method
                    + ": the memory budget is used up ("
                    + memory.used()
                    + " of "
                    + memory.limit()
                    + " bytes, service.memory_limiter)");
        StatusRuntimeException e =
            retryable(
                Code.RESOURCE_EXHAUSTED,
                DecodeBudget.memoryExhausted(memory).getMessage(),
                retryAfter);
        call.close(e.getStatus(), e.getTrailers());
        return new ServerCall.Listener<>() {};
      }
      ReadDeadline<ReqT> listener = new ReadDeadline<>(call, method);
      listener.start(next.startCall(call, headers));
      return listener;
    }

    /**
     * Delivers the message only if it arrived before the read deadline; otherwise closes the call.
     */
    private final class ReadDeadline<ReqT> extends ForwardingServerCallListener<ReqT> {
      private static final int WAITING = 0;
      private static final int RECEIVED = 1;
      private static final int TIMED_OUT = 2;

      private final ServerCall<ReqT, ?> call;
      private final String method;
      private final AtomicInteger state = new AtomicInteger(WAITING);
      private ServerCall.Listener<ReqT> delegate;
      private volatile ScheduledFuture<?> timer;

      ReadDeadline(ServerCall<ReqT, ?> call, String method) {
        this.call = call;
        this.method = method;
      }

      void start(ServerCall.Listener<ReqT> next) {
        delegate = next;
        timer = timers.schedule(this::expire, readTimeout.toNanos(), TimeUnit.NANOSECONDS);
      }

      @Override
      protected ServerCall.Listener<ReqT> delegate() {
        return delegate;
      }

      private void expire() {
        if (!state.compareAndSet(WAITING, TIMED_OUT)) return;
        String why =
            "the request message was not complete within "
                + Durations.format(readTimeout)
                + " (protocols.grpc.read_timeout)";
        refusals.refusedRequest(
            ServerRefusals.READ_TIMEOUT,
            () -> "answered DEADLINE_EXCEEDED to " + method + ": " + why);
        // The service never saw this call, so nothing else closes it.
        call.close(Status.DEADLINE_EXCEEDED.withDescription(why), new Metadata());
      }

      private void stopTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) t.cancel(false);
      }

      @Override
      public void onMessage(ReqT message) {
        if (state.compareAndSet(WAITING, RECEIVED) || state.get() == RECEIVED) {
          stopTimer();
          super.onMessage(message);
        } else if (message instanceof RawRequest raw) {
          raw.release(); // arrived too late: dropped
        }
      }

      @Override
      public void onHalfClose() {
        if (state.get() != TIMED_OUT) super.onHalfClose();
      }

      @Override
      public void onCancel() {
        stopTimer();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        stopTimer();
        super.onComplete();
      }
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
