package io.stacklens.receiver.otlp;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.http.Endpoint;
import io.stacklens.agent.http.HttpServer;
import io.stacklens.agent.http.HttpServerOptions;
import io.stacklens.agent.http.RequestExecutor;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.agent.telemetry.ServerRefusals;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The {@code otlp} receiver: OTLP/gRPC and OTLP/HTTP servers feeding one consumer per signal. See
 * {@link OtlpReceiverConfig} for the settings.
 *
 * <p>{@link #shutdown} first answers new requests UNAVAILABLE / 503, stops accepting connections,
 * lets requests in progress finish and closes both servers by the deadline.
 */
public final class OtlpReceiver implements Receiver {
  private final ComponentContext context;
  private final OtlpReceiverConfig config;
  private final OtlpIngest ingest;
  private ThreadPoolExecutor executor;
  private OtlpGrpcServer grpc;
  private HttpServer http;
  private Host host;
  private boolean started;
  private boolean stopped;

  OtlpReceiver(
      ComponentContext context, OtlpReceiverConfig config, Map<Signal, Consumer> consumers) {
    this.context = context;
    this.config = config;
    String id = context.id().toString();
    this.ingest =
        new OtlpIngest(
            id,
            consumers,
            config.retryAfter,
            new ReceiverMetrics(context.metrics(), id),
            DecodeLimits.of("receivers." + id + ".limits", config.limits));
  }

  @Override
  public synchronized void start(Host host) throws StartException {
    if (started) throw new IllegalStateException(context.id() + ": already started");
    if (stopped) throw new IllegalStateException(context.id() + ": already shut down");
    started = true;
    this.host = host;
    ingest.useMemoryLimiter(host.memoryLimiter());
    String id = context.id().toString();
    List<String> listening = new ArrayList<>(2);
    executor = RequestExecutor.create(id, 8, 1024);
    try {
      if (config.protocols.grpc != null) {
        OtlpReceiverConfig.GrpcSettings g = config.protocols.grpc;
        try {
          grpc =
              OtlpGrpcServer.start(
                  id,
                  g,
                  ingest,
                  executor,
                  host.memoryLimiter(),
                  ServerRefusals.of(context.metrics(), id, Transport.GRPC.id(), context.logger()));
        } catch (IOException e) {
          throw StartException.cannotListen("protocols.grpc.endpoint", g.endpoint, e);
        }
        listening.add("gRPC " + describe(grpc.address()));
        log(id + ": gRPC listening on " + describe(grpc.address()));
      }
      if (config.protocols.http != null) {
        OtlpReceiverConfig.HttpSettings h = config.protocols.http;
        int limit = (int) h.maxRequestBodySize.bytes();
        HttpServerOptions options =
            HttpServerOptions.of(id.replace('/', '-'), Endpoint.parse(h.endpoint))
                .withMaxBodyBytes(limit)
                .withLatency(ingest.metrics().duration(Transport.HTTP))
                .withHandlerExecutor(executor)
                .withLimits(h.limits("protocols.http."))
                .withAuth(h.authenticator())
                .withTls(h.serverTls("receivers." + id + ".protocols.http.tls"))
                .withMemoryLimiter(host.memoryLimiter())
                .withRefusals(
                    ServerRefusals.of(
                        context.metrics(), id, Transport.HTTP.id(), context.logger()));
        try {
          http = HttpServer.start(options, new OtlpHttpHandler(ingest, limit));
        } catch (IOException e) {
          throw StartException.cannotListen("protocols.http.endpoint", h.endpoint, e);
        }
        listening.add("HTTP " + describe(http.localAddress()));
        log(id + ": HTTP listening on " + describe(http.localAddress()));
      }
    } catch (StartException | RuntimeException e) {
      closeServers(Instant.now());
      host.reportStatus(
          context.id(), ComponentKind.RECEIVER, ComponentStatus.FAILED, e.getMessage());
      throw e;
    }
    host.reportStatus(
        context.id(),
        ComponentKind.RECEIVER,
        ComponentStatus.OK,
        "listening: " + String.join(", ", listening));
  }

  private static String describe(java.net.InetSocketAddress address) {
    return new Endpoint(address.getAddress().getHostAddress(), address.getPort()).toString();
  }

  private void log(String message) {
    context.logger().log(System.Logger.Level.INFO, message);
  }

  /** The bound gRPC port (useful with port 0); -1 when gRPC is off or not started. */
  public synchronized int grpcPort() {
    return grpc == null ? -1 : grpc.port();
  }

  /** The bound HTTP port (useful with port 0); -1 when HTTP is off or not started. */
  public synchronized int httpPort() {
    return http == null ? -1 : http.port();
  }

  @Override
  public void shutdown(Instant deadline) {
    Host h;
    synchronized (this) {
      if (stopped) return;
      stopped = true;
      h = host;
    }
    ingest.stopAccepting();
    if (h != null)
      h.reportStatus(context.id(), ComponentKind.RECEIVER, ComponentStatus.STOPPING, "");
    closeServers(deadline);
    if (h != null)
      h.reportStatus(context.id(), ComponentKind.RECEIVER, ComponentStatus.STOPPED, "");
  }

  /**
   * Closes both servers concurrently, each waiting for its requests in progress until the deadline.
   */
  private void closeServers(Instant deadline) {
    OtlpGrpcServer g;
    HttpServer s;
    ThreadPoolExecutor pool;
    synchronized (this) {
      g = grpc;
      s = http;
      pool = executor;
    }
    Thread grpcStopper = null;
    if (g != null) {
      grpcStopper = new Thread(() -> g.shutdown(deadline), context.id() + "-grpc-shutdown");
      grpcStopper.start();
    }
    if (s != null) s.close(remaining(deadline));
    if (grpcStopper != null) {
      try {
        grpcStopper.join(remaining(deadline).toMillis() + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pool != null) pool.shutdown();
  }

  private static Duration remaining(Instant deadline) {
    Duration d = Duration.between(Instant.now(), deadline);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
