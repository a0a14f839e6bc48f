package io.stacklens.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.otlp.RawBytesMarshaller;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.testing.CollectingConsumer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the OTLP/gRPC server with a real grpc-java client and a raw HTTP/2 client: each is
 * answered as documented, counted, and a valid export still works afterwards. Server limits are
 * short; the test waits generously for their effect.
 */
class OtlpGrpcProtectionTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final CollectingConsumer logs = new CollectingConsumer();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MemoryLimiter memory = MemoryLimiter.unlimited();
  private OtlpReceiver receiver;

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    for (AutoCloseable c : closeables) c.close();
    if (receiver != null) receiver.shutdown(Instant.now().plusSeconds(5));
  }

  private static OtlpReceiverConfig.GrpcSettings grpcOnly(OtlpReceiverConfig config) {
    config.protocols.http = null;
    return config.protocols.grpc;
  }

  private OtlpReceiverConfig.GrpcSettings settings;
  private OtlpReceiverConfig config;

  private OtlpReceiverConfig.GrpcSettings configure() {
    config = ReceiverFixture.config();
    settings = grpcOnly(config);
    return settings;
  }

  private void start() throws Exception {
    if (config == null) configure();
    ComponentContext context =
        ComponentContext.of(ComponentId.of("otlp"), ComponentKind.RECEIVER, metrics);
    receiver =
        (OtlpReceiver)
            new OtlpReceiverFactory()
                .createReceiver(context, config, Map.<Signal, Consumer>of(Signal.LOGS, logs));
    MemoryLimiter limiter = memory;
    receiver.start(
        new Host() {
          @Override
          public void reportStatus(
              ComponentId id, ComponentKind kind, ComponentStatus status, String detail) {}

          @Override
          public MemoryLimiter memoryLimiter() {
            return limiter;
          }
        });
  }

  private ManagedChannel channel() {
    ManagedChannel c =
        NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcPort()).usePlaintext().build();
    channels.add(c);
    return c;
  }

  private LogsServiceGrpc.LogsServiceBlockingStub stub(ManagedChannel c) {
    return LogsServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private RawHttp2Client raw() throws IOException {
    RawHttp2Client client = new RawHttp2Client(receiver.grpcPort(), PATIENCE);
    closeables.add(client);
    return client;
  }

  private long refusedConnections(String reason) {
    return metrics.counterValue(
        ServerRefusals.REFUSED_CONNECTIONS,
        "receiver",
        "otlp",
        "transport",
        "grpc",
        "reason",
        reason);
  }

  private long refusedRequests(String reason) {
    return metrics.counterValue(
        ServerRefusals.REFUSED_REQUESTS, "receiver", "otlp", "transport", "grpc", "reason", reason);
  }

  private long closedConnections(String reason) {
    return metrics.counterValue(
        ServerRefusals.CLOSED_CONNECTIONS,
        "receiver",
        "otlp",
        "transport",
        "grpc",
        "reason",
        reason);
  }

  /**
   * A valid export on a new connection succeeds (retrying while a refused client's slot frees up).
   */
  private void assertStillServes() {
    int before = logs.records();
    ManagedChannel c = channel();
    await()
        .atMost(PATIENCE)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(stub(c).export(TestData.logs(2)).hasPartialSuccess()).isFalse());
    assertThat(logs.records()).isEqualTo(before + 2);
  }

  private static StatusRuntimeException failure(Runnable call) {
    return OtlpGrpcReceiverTest.catchStatus(call);
  }

  /** Logs whose one body is {@code size} zeros: compresses to almost nothing. */
  private static ExportLogsServiceRequest zeros(int size) {
    return TestData.logs(TestData.log("\0".repeat(size), 9));
  }

  @Test
  void aDecompressionBombIsResourceExhaustedNamingTheLimit() throws Exception {
    start();
    StatusRuntimeException e =
        failure(() -> stub(channel()).withCompression("gzip").export(zeros(10 * 1024 * 1024)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription())
        .isEqualTo(
            "the request message is larger than the limit of 65536 bytes after decompression (receivers.otlp.protocols.grpc.max_recv_msg_size)");
    assertThat(refusedRequests(ServerRefusals.TOO_LARGE)).isEqualTo(1);
    assertStillServes();
  }

  @Test
  void anUncompressedMessageOverTheLimitIsResourceExhaustedAndCounted() throws Exception {
    start();
    StatusRuntimeException e =
        failure(() -> stub(channel()).export(TestData.logs(TestData.log("x".repeat(70_000), 9))));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("exceeds maximum size 65536");
    await().atMost(PATIENCE).until(() -> refusedRequests(ServerRefusals.TOO_LARGE) == 1);
    assertStillServes();
  }

  @Test
  void malformedGzipIsInvalidArgument() throws Exception {
    start();
    // A "gzip" compressor that does not compress: the server gets gzip-flagged bytes that are not
    // gzip.
    CompressorRegistry fakeGzip = CompressorRegistry.newEmptyInstance();
    fakeGzip.register(
        new Codec() {
          @Override
          public String getMessageEncoding() {
            return "gzip";
          }

          @Override
          public OutputStream compress(OutputStream os) {
            return os;
          }

          @Override
          public java.io.InputStream decompress(java.io.InputStream is) {
            return is;
          }
        });
    ManagedChannel c =
        NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcPort())
            .usePlaintext()
            .compressorRegistry(fakeGzip)
            .build();
    channels.add(c);
    StatusRuntimeException e =
        failure(() -> stub(c).withCompression("gzip").export(TestData.logs(3)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .startsWith("malformed gzip in the request message: Not in GZIP format");
    assertThat(refusedRequests(ServerRefusals.MALFORMED_BODY)).isEqualTo(1);
    assertStillServes();
  }

  @Test
  void anExhaustedBudgetRefusesCallsAtStartWithRetryInfo() throws Exception {
    memory = new MemoryLimiter(1_000_000);
    start();
    memory.forceAcquire(1_000_000); // exporter queues and rings hold everything
    StatusRuntimeException e = failure(() -> stub(channel()).export(TestData.logs(3)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("memory budget");
    RetryInfo retry = StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
    assertThat(retry.getRetryDelay().getNanos()).isEqualTo(500_000_000);
    assertThat(refusedRequests(ServerRefusals.MEMORY_LIMIT)).isEqualTo(1);
    assertThat(logs.records()).isZero();

    memory.release(1_000_000);
    assertStillServes();
    await().atMost(PATIENCE).until(() -> memory.used() == 0);
  }

  @Test
  void aMessageTheBudgetCannotHoldIsResourceExhaustedRetryable() throws Exception {
    memory = new MemoryLimiter(80_000); // the transport's 50 KB fit, the decoded copy does not
    start();
    StatusRuntimeException e =
        failure(() -> stub(channel()).export(TestData.logs(TestData.log("y".repeat(50_000), 9))));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription())
        .contains("memory budget cannot hold a request message");
    assertThat(StatusProto.fromThrowable(e).getDetails(0).is(RetryInfo.class)).isTrue();
    assertThat(refusedRequests(ServerRefusals.MEMORY_LIMIT)).isEqualTo(1);
    await().atMost(PATIENCE).until(() -> memory.used() == 0);
    assertStillServes();
    await().atMost(PATIENCE).until(() -> memory.used() == 0);
  }

  @Test
  void aConnectionPushingFarPastTheBudgetIsClosed() throws Exception {
    memory = new MemoryLimiter(20_000);
    start();
    StatusRuntimeException e =
        failure(() -> stub(channel()).export(TestData.logs(TestData.log("z".repeat(60_000), 9))));
    assertThat(e.getStatus().getCode())
        .isIn(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL);
    await().atMost(PATIENCE).until(() -> refusedConnections(ServerRefusals.MEMORY_LIMIT) == 1);
    await().atMost(PATIENCE).until(() -> memory.used() == 0);
    assertStillServes();
  }

  @Test
  void connectionsBeyondMaxConnectionsAreClosedAtOnce() throws Exception {
    configure().maxConnections = 2;
    start();
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Socket s = new Socket("127.0.0.1", receiver.grpcPort());
      closeables.add(s);
      held.add(s);
    }
    Socket extra = new Socket("127.0.0.1", receiver.grpcPort());
    closeables.add(extra);
    extra.setSoTimeout((int) PATIENCE.toMillis());
    assertThat(readsEof(extra)).isTrue();
    assertThat(refusedConnections(ServerRefusals.CONNECTION_LIMIT)).isEqualTo(1);

    for (Socket s : held) s.close();
    assertStillServes();
  }

  /** True when the server closes {@code s} (the server's own SETTINGS frame may come first). */
  private static boolean readsEof(Socket s) throws IOException {
    try {
      while (s.getInputStream().read() >= 0) {
        // skip what the server sent
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  @Test
  void aConnectionThatNeverSpeaksHttp2IsClosedAfterTheHandshakeTimeout() throws Exception {
    configure().handshakeTimeout = Duration.ofMillis(300);
    start();
    Socket silent = new Socket("127.0.0.1", receiver.grpcPort());
    closeables.add(silent);
    silent.setSoTimeout((int) PATIENCE.toMillis());
    Socket trickling = new Socket("127.0.0.1", receiver.grpcPort());
    closeables.add(trickling);
    trickling.setSoTimeout((int) PATIENCE.toMillis());
    AtomicBoolean stop = new AtomicBoolean();
    Thread trickler =
        new Thread(
            () -> {
              byte[] preface =
                  "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
              try {
                for (int i = 0; !stop.get(); i = (i + 1) % preface.length) {
                  trickling.getOutputStream().write(preface[Math.min(i, preface.length - 1)]);
                  Thread.sleep(100);
                }
              } catch (IOException | InterruptedException expected) {
                // closed
              }
            });
    trickler.setDaemon(true);
    trickler.start();
    try {
      assertThat(readsEof(silent)).isTrue();
      assertThat(readsEof(trickling)).isTrue();
    } finally {
      stop.set(true);
    }
    await().atMost(PATIENCE).until(() -> refusedConnections(ServerRefusals.HANDSHAKE_TIMEOUT) == 2);
    assertStillServes();
  }

  @Test
  void rapidResetGetsGoawayEnhanceYourCalmAndOthersAreStillServed() throws Exception {
    start();
    RawHttp2Client attacker = raw().handshake();
    CompletableFuture<Void> flood =
        CompletableFuture.runAsync(
            () -> {
              try {
                for (int i = 0; i < 10_000; i++) {
                  int stream = 2 * i + 1;
                  attacker.headers(stream);
                  attacker.rstStream(stream, 0x8 /* CANCEL */);
                  if (i % 100 == 99) attacker.flush();
                }
                attacker.flush();
              } catch (IOException closedByServer) {
                // expected once the server sent GOAWAY and closed
              }
            });
    RawHttp2Client.Frame goAway = attacker.readUntil(f -> f.type() == RawHttp2Client.GOAWAY);
    assertThat(goAway).isNotNull();
    assertThat(goAway.errorCode()).isEqualTo(0xb); // ENHANCE_YOUR_CALM
    assertThat(goAway.debug()).isEqualTo("too_many_rststreams");
    assertThat(attacker.closedByServer()).isTrue();
    flood.get(30, TimeUnit.SECONDS);
    await().atMost(PATIENCE).until(() -> refusedConnections(ServerRefusals.RAPID_RESET) == 1);
    assertStillServes();
  }

  @Test
  void streamsBeyondMaxConcurrentStreamsAreRefused() throws Exception {
    configure().maxConcurrentStreams = 5;
    start();
    RawHttp2Client client = raw().handshake();
    for (int i = 0; i < 10; i++)
      client.headers(2 * i + 1); // open calls that never send their message
    client.flush();
    int refused = 0;
    while (refused < 5) {
      RawHttp2Client.Frame f = client.readUntil(x -> x.type() == RawHttp2Client.RST_STREAM);
      assertThat(f).isNotNull();
      assertThat(f.errorCode()).isEqualTo(0x7); // REFUSED_STREAM
      assertThat(f.streamId()).isGreaterThan(9); // the first five were admitted
      refused++;
    }
    await().atMost(PATIENCE).until(() -> refusedRequests(ServerRefusals.STREAM_LIMIT) == 5);
    assertStillServes();
  }

  @Test
  void aPingFloodGetsGoawayEnhanceYourCalm() throws Exception {
    start();
    RawHttp2Client client = raw().handshake();
    for (int i = 0; i < 20; i++) client.ping(i);
    client.flush();
    RawHttp2Client.Frame goAway = client.readUntil(f -> f.type() == RawHttp2Client.GOAWAY);
    assertThat(goAway).isNotNull();
    assertThat(goAway.errorCode()).isEqualTo(0xb);
    assertThat(goAway.debug()).isEqualTo("too_many_pings");
    await().atMost(PATIENCE).until(() -> refusedConnections(ServerRefusals.PING_FLOOD) == 1);
    assertStillServes();
  }

  @Test
  void aCallWhoseMessageNeverComesIsDeadlineExceededAfterReadTimeout() throws Exception {
    configure().readTimeout = Duration.ofMillis(500);
    start();
    ManagedChannel c = channel();
    // Client-streaming on the wire is the same; grpc-java only sends a unary call's headers with
    // its message.
    var method =
        RawBytesMarshaller.rawRequests(LogsServiceGrpc.getExportMethod()).toBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
            .build();
    ClientCall<byte[], ExportLogsServiceResponse> call = c.newCall(method, CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1); // ...and never sends its message
    Status status = closed.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(status.getDescription())
        .isEqualTo(
            "the request message was not complete within 500ms (protocols.grpc.read_timeout)");
    assertThat(refusedRequests(ServerRefusals.READ_TIMEOUT)).isEqualTo(1);
    assertStillServes();
  }

  @Test
  void idleConnectionsAreClosedAfterMaxConnectionIdle() throws Exception {
    configure().keepalive.serverParameters.maxConnectionIdle = Duration.ofMillis(500);
    start();
    ManagedChannel c = channel();
    stub(c).export(TestData.logs(1));
    await().atMost(PATIENCE).until(() -> closedConnections(ServerRefusals.IDLE_TIMEOUT) == 1);
    stub(c).export(TestData.logs(1)); // the client reconnects
    assertThat(logs.records()).isEqualTo(2);
  }

  @Test
  void metadataOverMaxHeaderListSizeIsRefused() throws Exception {
    configure().maxHeaderListSize = new io.stacklens.agent.api.ByteSize(2048);
    start();
    Metadata big = new Metadata();
    big.put(Metadata.Key.of("x-big", Metadata.ASCII_STRING_MARSHALLER), "b".repeat(4096));
    // The server announces the limit in its SETTINGS; grpc-java clients then refuse to send such a
    // call
    // themselves (a client that sends it anyway has its stream reset by the server's HTTP/2
    // decoder).
    StatusRuntimeException e =
        failure(
            () ->
                stub(channel())
                    .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(big))
                    .export(TestData.logs(1)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getDescription() + " " + e.getCause())
        .contains("Header size exceeded max allowed size (2048)");
    assertThat(logs.records()).isZero();
    assertStillServes();
  }
}
