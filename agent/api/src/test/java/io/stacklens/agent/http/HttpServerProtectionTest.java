package io.stacklens.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.ServerRefusals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the HTTP server from raw sockets: each is refused as documented, counted, and the
 * server keeps serving. Server timeouts are short (hundreds of ms); the test waits up to many
 * seconds for their effect, so a busy machine only makes it slower, not flaky.
 */
class HttpServerProtectionTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final AtomicInteger handled = new AtomicInteger();
  private final List<Socket> sockets = new ArrayList<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    if (server != null) server.close(Duration.ofSeconds(2));
  }

  private static HttpServerLimits limits() {
    return HttpServerLimits.DEFAULTS.withTimeouts(
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  private HttpServer start(HttpServerLimits limits) throws IOException {
    return start(
        limits, MemoryLimiter.unlimited(), req -> CompletableFuture.completedFuture(ok(req)));
  }

  private HttpServer start(HttpServerLimits limits, MemoryLimiter memory, HttpHandler handler)
      throws IOException {
    HttpServerOptions options =
        HttpServerOptions.of("test", new Endpoint("127.0.0.1", 0))
            .withIoThreads(1)
            .withMaxBodyBytes(64 * 1024)
            .withLimits(limits)
            .withMemoryLimiter(memory)
            .withRefusals(ServerRefusals.of(metrics, "test", "http", System.getLogger("test")));
    server = HttpServer.start(options, handler);
    return server;
  }

  private HttpResponse ok(HttpRequest req) {
    handled.incrementAndGet();
    return HttpResponse.text(200, "ok " + req.body().length);
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout((int) PATIENCE.toMillis());
    sockets.add(s);
    return s;
  }

  private long refusedConnections(String reason) {
    return metrics.counterValue(
        ServerRefusals.REFUSED_CONNECTIONS,
        "receiver",
        "test",
        "transport",
        "http",
        "reason",
        reason);
  }

  private long refusedRequests(String reason) {
    return metrics.counterValue(
        ServerRefusals.REFUSED_REQUESTS, "receiver", "test", "transport", "http", "reason", reason);
  }

  private long closedConnections(String reason) {
    return metrics.counterValue(
        ServerRefusals.CLOSED_CONNECTIONS,
        "receiver",
        "test",
        "transport",
        "http",
        "reason",
        reason);
  }

  /** A complete POST on a new connection answers 200: the server still serves. */
  private void assertStillServes() throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout((int) PATIENCE.toMillis());
      Response r = exchange(s, post("/ok", "hello"));
      assertThat(r.status).isEqualTo(200);
      assertThat(r.body).isEqualTo("ok 5");
    }
  }

  private static String post(String path, String body) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  private static Response exchange(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    return Response.read(s.getInputStream());
  }

  /** True when the server closed {@code s}: EOF or a reset, within {@link #PATIENCE}. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      while (true) {
        int c = in.read();
        if (c < 0) return true;
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  @Test
  void connectionsBeyondMaxConnectionsAreClosedAtOnce() throws Exception {
    start(limits().withMaxConnections(3));
    List<Socket> admitted = List.of(connect(), connect(), connect());
    await().atMost(PATIENCE).until(() -> server.openConnections() == 3);

    Socket extra = connect();
    assertThat(closedByServer(extra)).isTrue();
    await().atMost(PATIENCE).until(() -> refusedConnections(ServerRefusals.CONNECTION_LIMIT) == 1);

    for (Socket s : admitted) assertThat(exchange(s, post("/", "x")).status).isEqualTo(200);
    admitted.get(0).close();
    await().atMost(PATIENCE).until(() -> server.openConnections() == 2);
    assertStillServes();
  }

  @Test
  void idleKeepAliveConnectionsAreClosedAfterIdleTimeout() throws Exception {
    start(
        limits()
            .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(300)));
    Socket s = connect();
    assertThat(exchange(s, post("/", "one")).status).isEqualTo(200);
    assertThat(exchange(s, post("/", "two")).status)
        .isEqualTo(200); // still alive right after a response
    assertThat(closedByServer(s)).isTrue();
    await().atMost(PATIENCE).until(() -> closedConnections(ServerRefusals.IDLE_TIMEOUT) == 1);
    assertThat(refusedConnections(ServerRefusals.HEADER_TIMEOUT)).isZero();
    assertStillServes();
  }

  @Test
  void aConnectionThatNeverSendsIsClosedAfterReadHeaderTimeoutWithoutAnAnswer() throws Exception {
    start(
        limits()
            .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(60)));
    Socket s = connect();
    InputStream in = s.getInputStream();
    assertThat(in.read()).isEqualTo(-1);
    await().atMost(PATIENCE).until(() -> refusedConnections(ServerRefusals.HEADER_TIMEOUT) == 1);
    assertStillServes();
  }

  @Test
  void headersTrickledByteByByteAreAnswered408WithinReadHeaderTimeout() throws Exception {
    start(
        limits()
            .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60)));
    Socket s = connect();
    AtomicBoolean stop = new AtomicBoolean();
    long started = System.nanoTime();
    // A slowloris: headers that never end, one byte every 20 ms, for longer than the test waits.
    Thread trickler =
        new Thread(
            () -> {
              byte[] head =
                  ("POST / HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100_000))
                      .getBytes(StandardCharsets.US_ASCII);
              try {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < head.length && !stop.get(); i++) {
                  out.write(head[i]);
                  out.flush();
                  Thread.sleep(20);
                }
              } catch (IOException | InterruptedException expected) {
                // the server closed the connection
              }
            });
    trickler.setDaemon(true);
    trickler.start();
    try {
      Response r = Response.read(s.getInputStream());
      assertThat(r.status).isEqualTo(408);
      assertThat(r.body).contains("read_header_timeout");
      assertThat(r.headers.get("connection")).isEqualTo("close");
      assertThat(closedByServer(s)).isTrue();
      // Trickling would go on for 2000 s; the server cut it after its timeout (generous bound for
      // slow machines).
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PATIENCE);
    } finally {
      stop.set(true);
    }
    assertThat(refusedConnections(ServerRefusals.HEADER_TIMEOUT)).isEqualTo(1);
    assertThat(handled).hasValue(0);
    assertStillServes();
  }

  @Test
  void aBodyTrickledTooSlowlyIsAnswered408() throws Exception {
    start(
        limits()
            .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(800), Duration.ofSeconds(60)));
    Socket s = connect();
    OutputStream out = s.getOutputStream();
    out.write(
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\nfirst bytes"
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    AtomicBoolean stop = new AtomicBoolean();
    Thread trickler =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  out.write('b');
                  out.flush();
                  Thread.sleep(50);
                }
              } catch (IOException | InterruptedException expected) {
                // closed
              }
            });
    trickler.setDaemon(true);
    trickler.start();
    try {
      Response r = Response.read(s.getInputStream());
      assertThat(r.status).isEqualTo(408);
      assertThat(r.body).contains("read_timeout");
      assertThat(closedByServer(s)).isTrue();
    } finally {
      stop.set(true);
    }
    assertThat(refusedRequests(ServerRefusals.READ_TIMEOUT)).isEqualTo(1);
    assertThat(handled).hasValue(0);
    assertStillServes();
  }

  @Test
  void aBodyAnswered413EarlyMustStillArriveWithinReadTimeoutAndGetsNoSecondAnswer()
      throws Exception {
    start(
        limits()
            .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(800), Duration.ofSeconds(60)));
    Socket s = connect();
    // Over the 64 KiB body limit with keep-alive: 413 at once, then the server skips the body...
    Response r = exchange(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nsome");
    assertThat(r.status).isEqualTo(413);
    // ...which never comes: the connection is closed after read_timeout, without another response.
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    try {
      s.getInputStream().transferTo(rest);
    } catch (SocketException reset) {
      // closed
    }
    assertThat(rest.size()).isZero();
    await().atMost(PATIENCE).until(() -> refusedRequests(ServerRefusals.READ_TIMEOUT) == 1);
    assertStillServes();
  }

  @Test
  void twoThousandIdleConnectionsAreAllClosedAfterTheHeaderTimeout() throws Exception {
    start(
        limits()
            .withMaxConnections(5000)
            .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60)));
    List<Socket> idle = new ArrayList<>();
    for (int i = 0; i < 2000; i++) idle.add(connect());
    // Not kept for idle_timeout (60 s): each is closed once its header timeout passes.
    await().atMost(PATIENCE).until(() -> refusedConnections(ServerRefusals.HEADER_TIMEOUT) == 2000);
    await().atMost(PATIENCE).until(() -> server.openConnections() == 0);
    assertThat(closedByServer(idle.get(0))).isTrue();
    assertThat(closedByServer(idle.get(1999))).isTrue();
    assertStillServes();
  }

  @Test
  void headersLargerThanMaxHeaderSizeAre431() throws Exception {
    start(limits().withMaxHeaderSize(1024));
    Socket s = connect();
    Response r =
        exchange(s, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n");
    assertThat(r.status).isEqualTo(431);
    assertThat(r.body)
        .isEqualTo("request headers are larger than the limit of 1024 bytes (max_header_size)");
    assertThat(closedByServer(s)).isTrue();
    assertThat(refusedRequests(ServerRefusals.HEADER_TOO_LARGE)).isEqualTo(1);
    assertStillServes();
  }

  @Test
  void headerSizeLimitAddsUpAllHeaderLines() throws Exception {
    start(limits().withMaxHeaderSize(1024));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 40; i++)
      many.append("X-H").append(i).append(": ").append("v".repeat(40)).append("\r\n");
    Response r = exchange(connect(), "GET / HTTP/1.1\r\nHost: x\r\n" + many + "\r\n");
    assertThat(r.status).isEqualTo(431);
  }

  @Test
  void anOverlongRequestLineIs414() throws Exception {
    start(limits());
    Socket s = connect();
    Response r = exchange(s, "GET /" + "p".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(r.status).isEqualTo(414);
    assertThat(r.body).contains("longer than the limit of 4096 bytes");
    assertThat(closedByServer(s)).isTrue();
    assertThat(refusedRequests(ServerRefusals.REQUEST_LINE_TOO_LONG)).isEqualTo(1);
    assertStillServes();
  }

  @Test
  void aBodyTheMemoryBudgetCannotHoldIs429WithRetryAfterAndIsNotRead() throws Exception {
    MemoryLimiter memory = new MemoryLimiter(1000);
    start(limits(), memory, req -> CompletableFuture.completedFuture(ok(req)));
    Socket s = connect();
    // Only the head: the answer must come without the server waiting for (or reading) the body.
    Response r = exchange(s, "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
    assertThat(r.status).isEqualTo(429);
    assertThat(r.headers.get("retry-after")).isEqualTo("1");
    assertThat(r.headers.get("connection")).isEqualTo("close");
    assertThat(closedByServer(s)).isTrue();
    assertThat(handled).hasValue(0);
    assertThat(refusedRequests(ServerRefusals.MEMORY_LIMIT)).isEqualTo(1);
    assertThat(memory.used()).isZero();
    assertStillServes(); // a small body still fits
    assertThat(memory.used()).isZero();
  }

  @Test
  void theHandlerChoosesTheOverloadedAnswer() throws Exception {
    MemoryLimiter memory = new MemoryLimiter(10);
    start(
        limits(),
        memory,
        new HttpHandler() {
          @Override
          public java.util.concurrent.CompletionStage<HttpResponse> handle(HttpRequest request) {
            return CompletableFuture.completedFuture(ok(request));
          }

          @Override
          public HttpResponse overloaded(
              String method, String path, io.netty.handler.codec.http.HttpHeaders headers) {
            return HttpResponse.of(
                429,
                "application/json",
                ("{\"error\":\"busy: " + method + " " + path + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
          }
        });
    Response r = exchange(connect(), post("/ingest", "x".repeat(100)));
    assertThat(r.status).isEqualTo(429);
    assertThat(r.headers.get("content-type")).isEqualTo("application/json");
    assertThat(r.body).isEqualTo("{\"error\":\"busy: POST /ingest\"}");
    assertThat(r.headers.get("retry-after")).isEqualTo("1"); // added by the server
  }

  @Test
  void chunkedBodiesAreReservedAsTheyArriveAndRefusedWhenTheBudgetRunsOut() throws Exception {
    MemoryLimiter memory =
        new MemoryLimiter(2000); // a body is reserved twice while read: one chunk fits, two do not
    start(limits(), memory, req -> CompletableFuture.completedFuture(ok(req)));
    Socket s = connect();
    String chunk = Integer.toHexString(600) + "\r\n" + "c".repeat(600) + "\r\n";
    Response r =
        exchange(
            s, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
    assertThat(r.status).isEqualTo(429);
    assertThat(closedByServer(s)).isTrue();
    assertThat(handled).hasValue(0);
    await().atMost(PATIENCE).until(() -> memory.used() == 0);

    Socket fits = connect();
    Response ok =
        exchange(
            fits,
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk
                + "0\r\n\r\n");
    assertThat(ok.status).isEqualTo(200);
    assertThat(ok.body).isEqualTo("ok 600");
    await().atMost(PATIENCE).until(() -> memory.used() == 0);
  }

  @Test
  void theBodyStaysReservedUntilTheHandlersStageCompletes() throws Exception {
    MemoryLimiter memory = new MemoryLimiter(1_000_000);
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    start(limits(), memory, req -> answer);
    Socket s = connect();
    s.getOutputStream().write(post("/", "x".repeat(700)).getBytes(StandardCharsets.US_ASCII));
    await().atMost(PATIENCE).until(() -> memory.used() == 700 && server.inFlight() == 1);
    answer.complete(HttpResponse.text(200, "done"));
    assertThat(Response.read(s.getInputStream()).body).isEqualTo("done");
    assertThat(memory.used()).isZero();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    start(
        limits(),
        MemoryLimiter.unlimited(),
        req -> {
          // The first request is answered later than the second would be.
          long delay = req.path().equals("/first") ? 300 : 0;
          return CompletableFuture.supplyAsync(
              () -> HttpResponse.text(200, req.path()),
              CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
        });
    Socket s = connect();
    s.getOutputStream()
        .write((post("/first", "a") + post("/second", "b")).getBytes(StandardCharsets.US_ASCII));
    assertThat(Response.read(s.getInputStream()).body).isEqualTo("/first");
    assertThat(Response.read(s.getInputStream()).body).isEqualTo("/second");
  }

  @Test
  void anIdleClockDoesNotRunWhileTheHandlerWorks() throws Exception {
    CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    start(
        limits()
            .withTimeouts(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200)),
        MemoryLimiter.unlimited(),
        req -> answer);
    Socket s = connect();
    s.getOutputStream().write(post("/", "x").getBytes(StandardCharsets.US_ASCII));
    await().atMost(PATIENCE).until(() -> server.inFlight() == 1);
    Thread.sleep(
        600); // three times every timeout: none of them may fire while the server is the slow one
    answer.complete(HttpResponse.text(200, "late but fine"));
    assertThat(Response.read(s.getInputStream()).body).isEqualTo("late but fine");
  }

  /** A response read off a raw socket. */
  private record Response(int status, Map<String, String> headers, String body) {
    static Response read(InputStream in) throws IOException {
      String head = HttpServerTest.readHead(in);
      if (head.isEmpty()) throw new IOException("connection closed before a response");
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0)
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(in.readNBytes(length));
      return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }
  }
}
