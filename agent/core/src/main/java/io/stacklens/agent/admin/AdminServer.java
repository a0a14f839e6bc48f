package io.stacklens.agent.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.stacklens.agent.auth.Authenticator;
import io.stacklens.agent.http.Endpoint;
import io.stacklens.agent.http.HttpRequest;
import io.stacklens.agent.http.HttpResponse;
import io.stacklens.agent.http.HttpServer;
import io.stacklens.agent.http.HttpServerLimits;
import io.stacklens.agent.http.HttpServerOptions;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.tls.ServerTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The agent's admin HTTP server ({@code service.telemetry.endpoint}, default {@value
 * #DEFAULT_ENDPOINT}):
 *
 * <ul>
 *   <li>{@code GET /metrics}: self-telemetry in Prometheus text format 0.0.4;
 *   <li>{@code GET /health}: 200 when {@link HealthRegistry#healthy()}, else 503, with the service
 *       phase and each component's latest status as JSON;
 *   <li>{@code GET /stats}: {@link MetricsRegistry#snapshot()} as JSON;
 *   <li>{@code POST /reload}: re-reads the config files and applies them ({@link Reloader}), when
 *       the agent was given one.
 * </ul>
 *
 * Other paths answer 404, other methods 405.
 */
public final class AdminServer implements AutoCloseable {
  public static final String DEFAULT_ENDPOINT = "127.0.0.1:8888";
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String JSON_CONTENT_TYPE = "application/json";
  private static final JsonFactory JSON = new JsonFactory();
  private static final List<String> PATHS = List.of("/metrics", "/health", "/stats", "/reload");

  /** Applies the config files again and answers with what it did. */
  @FunctionalInterface
  public interface Reloader {
    CompletionStage<HttpResponse> reload();
  }

  private final Endpoint endpoint;
  private final MetricsRegistry metrics;
  private final HealthRegistry health;
  private final Authenticator auth;
  private final ServerTls tls;
  private volatile HttpServer server;
  private volatile Reloader reloader;

  /**
   * @param endpoint {@code host:port} to listen on; port 0 picks a free port
   * @throws IllegalArgumentException when the endpoint is not {@code host:port}
   */
  public AdminServer(String endpoint, MetricsRegistry metrics, HealthRegistry health) {
    this(endpoint, metrics, health, null, null);
  }

  /**
   * Like {@link #AdminServer(String, MetricsRegistry, HealthRegistry)}, answering only requests
   * that carry {@code auth}'s credential (null: every request), over {@code tls} (null: plaintext).
   */
  public AdminServer(
      String endpoint,
      MetricsRegistry metrics,
      HealthRegistry health,
      Authenticator auth,
      ServerTls tls) {
    this.endpoint = Endpoint.parse(endpoint);
    this.metrics = metrics;
    this.health = health;
    this.auth = auth;
    this.tls = tls;
  }

  /** Binds and serves; throws {@link IOException} naming the endpoint when it cannot listen. */
  public synchronized void start() throws IOException {
    if (server != null) throw new IllegalStateException("admin server already started");
    HttpServerOptions options =
        HttpServerOptions.of("admin", endpoint)
            .withIoThreads(1)
            .withMaxBodyBytes(64 * 1024)
            .withRefusals(
                ServerRefusals.of(
                    metrics, "admin", "http", System.getLogger(AdminServer.class.getName())))
            .withLimits(HttpServerLimits.DEFAULTS.withKeyPrefix("service.telemetry."))
            .withAuth(auth)
            .withTls(tls);
    server = HttpServer.start(options, this::handle);
  }

  /** Serves {@code POST /reload} with {@code reloader}; without one it answers 409. */
  public void reloadWith(Reloader reloader) {
    this.reloader = reloader;
  }

  /** The bound port; only after {@link #start()}. */
  public int port() {
    HttpServer s = server;
    if (s == null) throw new IllegalStateException("admin server not started");
    return s.port();
  }

  @Override
  public void close() {
    HttpServer s = server;
    if (s != null) s.close(java.time.Duration.ofSeconds(2));
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    if (request.path().equals("/reload") && request.method().equals("POST")) {
      Reloader r = reloader;
      if (auth == null && !endpoint.isLoopback()) {
        return HttpResponse.text(
                403,
                "POST /reload on a non-loopback endpoint needs a credential: set"
                    + " service.telemetry.auth (or send SIGHUP to the agent)")
            .completed();
      }
      if (r != null) return r.reload();
      return HttpResponse.text(
              409, "this agent was started without config files to re-read; reload is off")
          .completed();
    }
    return CompletableFuture.completedFuture(answer(request));
  }

  HttpResponse answer(HttpRequest request) {
    if (!PATHS.contains(request.path())) {
      return HttpResponse.text(
          404, "no such admin endpoint " + request.path() + "; try " + String.join(", ", PATHS));
    }
    String method = request.path().equals("/reload") ? "POST" : "GET";
    if (!request.method().equals(method)) {
      return HttpResponse.text(
              405, request.method() + " is not allowed on " + request.path() + "; use " + method)
          .withHeader("Allow", method);
    }
    return switch (request.path()) {
      case "/metrics" ->
          HttpResponse.of(
              200,
              PROMETHEUS_CONTENT_TYPE,
              metrics.toPrometheusText().getBytes(StandardCharsets.UTF_8));
      case "/health" ->
          HttpResponse.of(health.healthy() ? 200 : 503, JSON_CONTENT_TYPE, healthJson());
      default -> HttpResponse.of(200, JSON_CONTENT_TYPE, statsJson());
    };
  }

  private byte[] healthJson() {
    return json(
        g -> {
          g.writeStartObject();
          g.writeStringField("status", health.phase().id());
          g.writeArrayFieldStart("components");
          for (HealthRegistry.ComponentHealth c : health.components()) {
            g.writeStartObject();
            g.writeStringField("kind", c.kind().label());
            g.writeStringField("id", c.id().toString());
            g.writeStringField("status", c.status().id());
            g.writeStringField("detail", c.detail());
            g.writeStringField("since", c.since().toString());
            g.writeEndObject();
          }
          g.writeEndArray();
          HealthRegistry.ConfigStatus config = health.config();
          if (config != null) {
            g.writeObjectFieldStart("config");
            g.writeStringField("hash", config.hash());
            g.writeStringField("applied_at", config.appliedAt().toString());
            if (config.lastReloadResult() != null) {
              g.writeObjectFieldStart("last_reload");
              g.writeStringField("result", config.lastReloadResult());
              g.writeStringField("at", config.lastReloadAt().toString());
              g.writeStringField("message", config.lastReloadMessage());
              g.writeEndObject();
            }
            g.writeEndObject();
          }
          g.writeEndObject();
        });
  }

  private byte[] statsJson() {
    Map<String, List<Map<String, Object>>> snapshot = metrics.snapshot();
    return json(
        g -> {
          g.writeStartObject();
          for (Map.Entry<String, List<Map<String, Object>>> family : snapshot.entrySet()) {
            g.writeArrayFieldStart(family.getKey());
            for (Map<String, Object> row : family.getValue()) writeValue(g, row);
            g.writeEndArray();
          }
          g.writeEndObject();
        });
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Long || v instanceof Integer) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) g.writeString(d.toString()); // JSON has no NaN/Infinity
      else g.writeNumber(d);
    } else if (v == null) {
      g.writeNull();
    } else {
      g.writeString(v.toString());
    }
  }

  private interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] json(JsonWriter writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
