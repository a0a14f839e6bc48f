package io.stacklens.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.telemetry.LatencyHistogram;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpServerTest {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) server.close(Duration.ofSeconds(2));
  }

  private HttpServer start(HttpServerOptions options, HttpHandler handler) throws IOException {
    server = HttpServer.start(options, handler);
    return server;
  }

  private static HttpServerOptions options() {
    return HttpServerOptions.of("test", new Endpoint("127.0.0.1", 0)).withIoThreads(1);
  }

  private java.net.http.HttpResponse<String> post(String path, byte[] body) throws Exception {
    return client.send(
        java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(5))
            .POST(BodyPublishers.ofByteArray(body))
            .build(),
        BodyHandlers.ofString());
  }

  @Test
  void handlerSeesMethodPathQueryHeadersAndBody() throws Exception {
    start(
        options(),
        req ->
            CompletableFuture.completedFuture(
                HttpResponse.text(
                        201,
                        req.method()
                            + " "
                            + req.path()
                            + " q="
                            + req.query()
                            + " h="
                            + req.header("x-test")
                            + " body="
                            + new String(req.body(), StandardCharsets.UTF_8))
                    .withHeader("X-Answer", "yes")));
    var response =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/a/b?x=1"))
                .header("X-Test", "hello")
                .POST(BodyPublishers.ofString("payload"))
                .build(),
            BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEqualTo("POST /a/b q=x=1 h=hello body=payload");
    assertThat(response.headers().firstValue("x-answer")).hasValue("yes");
  }

  @Test
  void answersAsynchronouslyCompletedHandlers() throws Exception {
    start(
        options(),
        req ->
            CompletableFuture.supplyAsync(
                () -> HttpResponse.text(200, "later"),
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)));
    assertThat(post("/", new byte[0]).body()).isEqualTo("later");
  }

  @Test
  void bodyLargerThanTheLimitIsAnswered413AndTheServerKeepsServing() throws Exception {
    start(
        options().withMaxBodyBytes(1000),
        req -> CompletableFuture.completedFuture(HttpResponse.text(200, "ok")));
    var tooBig = post("/", new byte[1001]);
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(tooBig.body()).contains("larger than the limit of 1000 bytes");
    assertThat(post("/", new byte[1000]).statusCode()).isEqualTo(200);
  }

  @Test
  void chunkedBodyLargerThanTheLimitIsAnswered413() throws Exception {
    start(
        options().withMaxBodyBytes(100),
        req -> CompletableFuture.completedFuture(HttpResponse.text(200, "ok")));
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "c8\r\n"
                  + "x".repeat(200)
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void runsHandlersOnTheGivenExecutor() throws Exception {
    var pool =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "handler-pool"));
    try {
      start(
          options().withHandlerExecutor(pool),
          req ->
              CompletableFuture.completedFuture(
                  HttpResponse.text(200, Thread.currentThread().getName())));
      assertThat(post("/", new byte[0]).body()).isEqualTo("handler-pool");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void handlerFailureBecomes500() throws Exception {
    start(
        options(),
        req -> {
          throw new IllegalStateException("boom");
        });
    var response = post("/x", new byte[0]);
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("boom");
  }

  @Test
  void keepsConnectionsAliveAcrossRequests() throws Exception {
    start(options(), req -> CompletableFuture.completedFuture(HttpResponse.text(200, "ok")));
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      for (int i = 0; i < 3; i++) {
        socket
            .getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        assertThat(head).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
        socket.getInputStream().readNBytes(2); // "ok"
      }
    }
  }

  @Test
  void recordsRequestLatency() throws Exception {
    LatencyHistogram latency = new LatencyHistogram();
    start(
        options().withLatency(latency),
        req -> CompletableFuture.completedFuture(HttpResponse.text(200, "ok")));
    post("/", new byte[0]);
    post("/", new byte[0]);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> latency.count() == 2);
  }

  @Test
  void closeLetsTheRequestInProgressFinishAndStopsAccepting() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<HttpResponse> slow = new CompletableFuture<>();
    start(
        options(),
        req -> {
          entered.countDown();
          return slow;
        });
    int port = server.port();
    var inFlight =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return post("/", new byte[0]);
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    var closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(5)));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(server::isClosing);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                    .isInstanceOf(IOException.class));
    assertThat(closing).isNotDone();

    slow.complete(HttpResponse.text(200, "finished"));
    assertThat(inFlight.get(5, TimeUnit.SECONDS).body()).isEqualTo("finished");
    closing.get(5, TimeUnit.SECONDS);
  }

  @Test
  void closeGivesUpOnRequestsAfterTheGracePeriod() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    start(
        options(),
        req -> {
          entered.countDown();
          return new CompletableFuture<>();
        });
    CompletableFuture.runAsync(
        () -> {
          try {
            post("/", new byte[0]);
          } catch (Exception ignored) {
          }
        });
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    server.close(Duration.ofMillis(300));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void bindFailureNamesTheEndpoint() throws Exception {
    start(options(), req -> CompletableFuture.completedFuture(HttpResponse.text(200, "ok")));
    int taken = server.port();
    assertThatThrownBy(
            () ->
                HttpServer.start(
                    HttpServerOptions.of("second", new Endpoint("127.0.0.1", taken)),
                    req -> CompletableFuture.completedFuture(HttpResponse.text(200, "ok"))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("second: cannot listen on 127.0.0.1:" + taken);
  }

  @Test
  void closeIsIdempotent() throws Exception {
    start(options(), req -> CompletableFuture.completedFuture(HttpResponse.text(200, "ok")));
    server.close(Duration.ofSeconds(1));
    server.close(Duration.ofSeconds(1));
  }

  static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) break;
      sb.append((char) c);
    }
    return sb.toString();
  }
}
