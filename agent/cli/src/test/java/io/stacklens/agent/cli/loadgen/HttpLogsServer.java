package io.stacklens.agent.cli.loadgen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A tiny OTLP/HTTP logs server on 127.0.0.1 (JDK HttpServer): {@code POST /v1/logs}, protobuf
 * bodies, optionally gzipped. Counts what it accepts; can refuse the first requests or fail all.
 */
final class HttpLogsServer implements AutoCloseable {
  final AtomicLong acceptedRecords = new AtomicLong();
  final AtomicInteger acceptedRequests = new AtomicInteger();
  final AtomicInteger refusedRequests = new AtomicInteger();
  final AtomicInteger gzippedRequests = new AtomicInteger();
  final List<Long> arrivals = new CopyOnWriteArrayList<>();
  final List<String> contentTypes = new CopyOnWriteArrayList<>();

  private final AtomicInteger toRefuse;
  private final int refuseStatus;
  private final String retryAfter;
  private final int failStatus;
  private final Function<byte[], Long> recordCounter;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpServer server;

  private HttpLogsServer(
      int refuseFirst,
      int refuseStatus,
      String retryAfter,
      int failStatus,
      Function<byte[], Long> recordCounter)
      throws IOException {
    this.toRefuse = new AtomicInteger(refuseFirst);
    this.refuseStatus = refuseStatus;
    this.retryAfter = retryAfter;
    this.failStatus = failStatus;
    this.recordCounter = recordCounter;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/v1/logs", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static HttpLogsServer accepting() throws IOException {
    return new HttpLogsServer(0, 0, null, 0, HttpLogsServer::protobufRecords);
  }

  /** Accepts any body, counting records with {@code counter} (e.g. for OTLP/JSON bodies). */
  static HttpLogsServer accepting(Function<byte[], Long> counter) throws IOException {
    return new HttpLogsServer(0, 0, null, 0, counter);
  }

  /** Refuses the first {@code count} requests with {@code status} and, unless null, Retry-After. */
  static HttpLogsServer refusingFirst(int count, int status, String retryAfter) throws IOException {
    return new HttpLogsServer(count, status, retryAfter, 0, HttpLogsServer::protobufRecords);
  }

  static HttpLogsServer failingWith(int status) throws IOException {
    return new HttpLogsServer(0, 0, null, status, HttpLogsServer::protobufRecords);
  }

  String endpoint() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      arrivals.add(System.nanoTime());
      contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      byte[] body = readBody(exchange);
      if (failStatus != 0) {
        reply(
            exchange,
            failStatus,
            "test server fails everything".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return;
      }
      if (toRefuse.getAndDecrement() > 0) {
        refusedRequests.incrementAndGet();
        if (retryAfter != null) {
          exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        reply(exchange, refuseStatus, new byte[0]);
        return;
      }
      acceptedRecords.addAndGet(recordCounter.apply(body));
      acceptedRequests.incrementAndGet();
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      reply(exchange, 200, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
    }
  }

  private byte[] readBody(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      gzippedRequests.incrementAndGet();
      in = new GZIPInputStream(in);
    }
    return in.readAllBytes();
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  static long protobufRecords(byte[] body) {
    try {
      return ExportLogsServiceRequest.parseFrom(body).getResourceLogsList().stream()
          .flatMap(r -> r.getScopeLogsList().stream())
          .mapToLong(s -> s.getLogRecordsCount())
          .sum();
    } catch (IOException e) {
      throw new IllegalStateException("body is not an ExportLogsServiceRequest", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
