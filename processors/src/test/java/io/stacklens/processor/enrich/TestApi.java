package io.stacklens.processor.enrich;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real local HTTP API for the tests: answers {@code GET /users/KEY} with what {@link #behave}
 * says (status, body, delay), counting calls per key and requests in flight at once.
 */
final class TestApi implements AutoCloseable {
  record Reply(int status, String body, long delayMillis) {
    static Reply json(String body) {
      return new Reply(200, body, 0);
    }

    static Reply status(int status) {
      return new Reply(status, "", 0);
    }

    Reply delayed(long millis) {
      return new Reply(status, body, millis);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "test-api");
            t.setDaemon(true);
            return t;
          });
  private volatile Function<String, Reply> behaviour =
      key -> Reply.json("{\"id\":\"" + key + "\"}");
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  final List<String> rawPaths = new CopyOnWriteArrayList<>();
  final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();

  TestApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URL, e.g. http://127.0.0.1:4567/users. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/users";
  }

  void behave(Function<String, Reply> f) {
    behaviour = f;
  }

  int calls(String key) {
    AtomicInteger n = calls.get(key);
    return n == null ? 0 : n.get();
  }

  int totalCalls() {
    return total.get();
  }

  int maxConcurrent() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      String raw = ex.getRequestURI().getRawPath();
      rawPaths.add(raw);
      requestHeaders.add(Map.copyOf(ex.getRequestHeaders()));
      String rest = raw.startsWith("/users/") ? raw.substring("/users/".length()) : raw;
      String key = URLDecoder.decode(rest, StandardCharsets.UTF_8);
      calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      total.incrementAndGet();
      Reply reply = behaviour.apply(key);
      if (reply.delayMillis() > 0) {
        try {
          Thread.sleep(reply.delayMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      // the client gave up (timeout): nothing to answer
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
