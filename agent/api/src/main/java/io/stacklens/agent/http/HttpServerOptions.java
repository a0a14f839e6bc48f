package io.stacklens.agent.http;

import io.stacklens.agent.auth.Authenticator;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.telemetry.LatencyHistogram;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.tls.ServerTls;
import java.util.concurrent.Executor;

/**
 * Settings of an {@link HttpServer}.
 *
 * @param name used in thread names and log lines ({@code otlp-http}, {@code admin})
 * @param endpoint where to listen; port 0 picks a free port
 * @param maxBodyBytes largest accepted request body; larger ones are answered 413
 * @param ioThreads event-loop threads (bounded; at least 1)
 * @param latency records the time from a complete request to its written response; null for none
 * @param handlerExecutor where {@link HttpHandler#handle} runs; null runs it on the network thread
 *     (fine for quick handlers). Give a bounded executor when handlers do real work (decoding large
 *     bodies).
 * @param limits timeouts, connection and header limits ({@link HttpServerLimits#DEFAULTS} unless
 *     set)
 * @param memory the budget request bodies are reserved from while they are read and handled; a body
 *     that does not fit is answered {@link HttpHandler#overloaded} (429) without being read
 * @param refusals counts and logs what the limits refused
 * @param auth the credential every request must carry ({@code auth}); null for none
 * @param tls the TLS every connection speaks ({@code tls}); null for plaintext
 */
public record HttpServerOptions(
    String name,
    Endpoint endpoint,
    int maxBodyBytes,
    int ioThreads,
    LatencyHistogram latency,
    Executor handlerExecutor,
    HttpServerLimits limits,
    MemoryLimiter memory,
    ServerRefusals refusals,
    Authenticator auth,
    ServerTls tls) {
  /** Default largest request body: 20 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

  public HttpServerOptions {
    if (maxBodyBytes < 0)
      throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + maxBodyBytes);
    if (ioThreads < 1)
      throw new IllegalArgumentException("ioThreads must be at least 1, got " + ioThreads);
    if (limits == null) limits = HttpServerLimits.DEFAULTS;
    if (memory == null) memory = MemoryLimiter.unlimited();
    if (refusals == null) refusals = ServerRefusals.logOnly(name);
  }

  /**
   * 20 MiB bodies, one I/O thread per core (at most 4), no latency histogram, handlers on the I/O
   * threads, default limits, no memory budget, refusals logged only.
   */
  public static HttpServerOptions of(String name, Endpoint endpoint) {
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    return new HttpServerOptions(
        name, endpoint, DEFAULT_MAX_BODY_BYTES, threads, null, null, null, null, null, null, null);
  }

  public HttpServerOptions withMaxBodyBytes(int bytes) {
    return new HttpServerOptions(
        name,
        endpoint,
        bytes,
        ioThreads,
        latency,
        handlerExecutor,
        limits,
        memory,
        refusals,
        auth,
        tls);
  }

  public HttpServerOptions withIoThreads(int threads) {
    return new HttpServerOptions(
        name,
        endpoint,
        maxBodyBytes,
        threads,
        latency,
        handlerExecutor,
        limits,
        memory,
        refusals,
        auth,
        tls);
  }

  public HttpServerOptions withLatency(LatencyHistogram histogram) {
    return new HttpServerOptions(
        name,
        endpoint,
        maxBodyBytes,
        ioThreads,
        histogram,
        handlerExecutor,
        limits,
        memory,
        refusals,
        auth,
        tls);
  }

  public HttpServerOptions withHandlerExecutor(Executor executor) {
    return new HttpServerOptions(
        name,
        endpoint,
        maxBodyBytes,
        ioThreads,
        latency,
        executor,
        limits,
        memory,
        refusals,
        auth,
        tls);
  }

  public HttpServerOptions withLimits(HttpServerLimits l) {
    return new HttpServerOptions(
        name,
        endpoint,
        maxBodyBytes,
        ioThreads,
        latency,
        handlerExecutor,
        l,
        memory,
        refusals,
        auth,
        tls);
  }

  public HttpServerOptions withMemoryLimiter(MemoryLimiter limiter) {
    return new HttpServerOptions(
        name,
        endpoint,
        maxBodyBytes,
        ioThreads,
        latency,
        handlerExecutor,
        limits,
        limiter,
        refusals,
        auth,
        tls);
  }

  public HttpServerOptions withRefusals(ServerRefusals r) {
    return new HttpServerOptions(
        name,
        endpoint,
        maxBodyBytes,
        ioThreads,
        latency,
        handlerExecutor,
        limits,
        memory,
        r,
        auth,
        tls);
  }

  /** Every request must carry {@code auth}'s credential; null for none. */
  public HttpServerOptions withAuth(Authenticator auth) {
    return new HttpServerOptions(
        name,
        endpoint,
        maxBodyBytes,
        ioThreads,
        latency,
        handlerExecutor,
        limits,
        memory,
        refusals,
        auth,
        tls);
  }

  /** Every connection speaks TLS with {@code tls}; null for plaintext. */
  public HttpServerOptions withTls(ServerTls tls) {
    return new HttpServerOptions(
        name,
        endpoint,
        maxBodyBytes,
        ioThreads,
        latency,
        handlerExecutor,
        limits,
        memory,
        refusals,
        auth,
        tls);
  }
}
