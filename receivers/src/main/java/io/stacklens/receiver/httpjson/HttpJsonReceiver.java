package io.stacklens.receiver.httpjson;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.http.Endpoint;
import io.stacklens.agent.http.HttpServer;
import io.stacklens.agent.http.HttpServerOptions;
import io.stacklens.agent.http.RequestExecutor;
import io.stacklens.agent.telemetry.ServerRefusals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The {@code http_json} receiver: an HTTP server taking JSON log records on one path (see {@link
 * HttpJsonReceiverConfig}). Requests are parsed and mapped on a bounded pool, not on the network
 * threads.
 *
 * <p>{@link #shutdown} first answers new requests 503, then stops accepting connections, lets
 * requests in progress finish and closes the server by the deadline.
 */
public final class HttpJsonReceiver implements Receiver {
  /**
   * Tasks waiting for a pool thread before the network thread runs them itself (which stops it
   * reading: backpressure).
   */
  static final int QUEUE = 256;

  private final ComponentContext context;
  private final HttpJsonReceiverConfig config;
  private final IngestMetrics metrics;
  private final HttpJsonHandler handler;
  private ThreadPoolExecutor executor;
  private HttpServer http;
  private Host host;
  private boolean started;
  private boolean stopped;

  HttpJsonReceiver(ComponentContext context, HttpJsonReceiverConfig config, Consumer logs) {
    this.context = context;
    this.config = config;
    String id = context.id().toString();
    this.metrics = new IngestMetrics(context.metrics(), id);
    this.handler = new HttpJsonHandler(id, config, logs, metrics);
  }

  @Override
  public synchronized void start(Host host) throws StartException {
    if (started) throw new IllegalStateException(context.id() + ": already started");
    if (stopped) throw new IllegalStateException(context.id() + ": already shut down");
    started = true;
    this.host = host;
    handler.useMemoryLimiter(host.memoryLimiter());
    String id = context.id().toString();
    executor = RequestExecutor.create(id, 4, QUEUE);
    try {
      HttpServerOptions options =
          HttpServerOptions.of(id.replace('/', '-'), Endpoint.parse(config.endpoint))
              .withMaxBodyBytes((int) config.maxRequestBodySize.bytes())
              .withLatency(metrics.duration())
              .withHandlerExecutor(executor)
              .withLimits(config.limits(""))
              .withAuth(config.authenticator())
              .withTls(config.serverTls("receivers." + id + ".tls"))
              .withMemoryLimiter(host.memoryLimiter())
              .withRefusals(ServerRefusals.of(context.metrics(), id, "http", context.logger()));
      http = HttpServer.start(options, handler);
    } catch (IOException e) {
      executor.shutdown();
      StartException failure = StartException.cannotListen("endpoint", config.endpoint, e);
      host.reportStatus(
          context.id(), ComponentKind.RECEIVER, ComponentStatus.FAILED, failure.getMessage());
      throw failure;
    } catch (RuntimeException e) {
      executor.shutdown();
      host.reportStatus(
          context.id(), ComponentKind.RECEIVER, ComponentStatus.FAILED, e.getMessage());
      throw e;
    }
    String where = describe(http.localAddress()) + config.path;
    context
        .logger()
        .log(
            System.Logger.Level.INFO,
            id + ": listening on " + (config.tls == null ? "http://" : "https://") + where);
    host.reportStatus(
        context.id(), ComponentKind.RECEIVER, ComponentStatus.OK, "listening: " + where);
  }

  /** The bound port (useful with port 0); -1 before start. */
  public synchronized int port() {
    return http == null ? -1 : http.port();
  }

  /** Answers every new request 503 from now on (the first step of {@link #shutdown}). */
  void stopAccepting() {
    handler.stopAccepting();
  }

  @Override
  public void shutdown(Instant deadline) {
    Host h;
    HttpServer s;
    ThreadPoolExecutor pool;
    synchronized (this) {
      if (stopped) return;
      stopped = true;
      h = host;
      s = http;
      pool = executor;
    }
    handler.stopAccepting();
    if (h != null)
      h.reportStatus(context.id(), ComponentKind.RECEIVER, ComponentStatus.STOPPING, "");
    if (s != null) {
      Duration left = Duration.between(Instant.now(), deadline);
      s.close(left.isNegative() ? Duration.ZERO : left);
    }
    if (pool != null) pool.shutdown();
    if (h != null)
      h.reportStatus(context.id(), ComponentKind.RECEIVER, ComponentStatus.STOPPED, "");
  }

  private static String describe(InetSocketAddress address) {
    return new Endpoint(address.getAddress().getHostAddress(), address.getPort()).toString();
  }
}
