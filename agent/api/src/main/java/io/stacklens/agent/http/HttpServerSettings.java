package io.stacklens.agent.http;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.auth.AuthSettings;
import io.stacklens.agent.auth.Authenticator;
import io.stacklens.agent.tls.ServerTls;
import io.stacklens.agent.tls.TlsServerSettings;
import java.time.Duration;

/**
 * The protections of an HTTP server that anyone who reaches its port could otherwise exhaust,
 * shared by every receiver that serves HTTP (the {@code otlp} receiver's {@code protocols.http},
 * the {@code http_json} receiver); each extends this class so the keys sit next to its {@code
 * endpoint}.
 *
 * <pre>
 * read_header_timeout: 10s   # from connection open (or the first byte of the next request) to complete headers
 * read_timeout: 30s          # the whole request, headers and body
 * idle_timeout: 60s          # a keep-alive connection waiting for its next request
 * max_connections: 1000      # open connections; more are closed at once
 * max_header_size: 16KiB     # all request header lines together; more: 431
 * auth: { bearer_token: "${env:TOKEN}" }   # or basic: { username, password }; none by default
 * tls: { cert_file: server.pem, key_file: server.key }   # see TlsServerSettings; plaintext by default
 * </pre>
 *
 * Defaults fit a sidecar: well above what a healthy client on a local or data-centre network needs,
 * low enough that a few thousand stalled sockets cannot pin the agent's file descriptors and
 * memory.
 */
public class HttpServerSettings implements ComponentConfig {
  public static final Duration DEFAULT_READ_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  public static final ByteSize DEFAULT_MAX_HEADER_SIZE = new ByteSize(16 * 1024);

  /**
   * Largest accepted request line ({@code POST /path HTTP/1.1}); longer ones get 414. Not
   * configurable.
   */
  public static final int MAX_REQUEST_LINE = 4 * 1024;

  /**
   * Time allowed for the request line and headers, counted from connection open or, on a keep-alive
   * connection, from the first byte of the request. Slower clients are answered 408 (or, when they
   * sent nothing, just closed). Default 10s.
   */
  public Duration readHeaderTimeout = DEFAULT_READ_HEADER_TIMEOUT;

  /**
   * Time allowed for the whole request, headers and body, from the same start; slower: 408. Default
   * 30s.
   */
  public Duration readTimeout = DEFAULT_READ_TIMEOUT;

  /**
   * How long a keep-alive connection may wait for its next request before it is closed. Default
   * 60s.
   */
  public Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

  /**
   * Connections open at once; a connection beyond this is closed as soon as it is accepted. Default
   * 1000.
   */
  public int maxConnections = DEFAULT_MAX_CONNECTIONS;

  /** Largest size of all request header lines together; larger: 431. Default 16KiB. */
  public ByteSize maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;

  /** The credential every request must carry ({@code Authorization}); none by default. */
  public AuthSettings auth;

  /** The TLS every connection speaks; plaintext when absent. */
  public TlsServerSettings tls;

  /**
   * The server side of {@link #tls} for {@link HttpServerOptions#withTls}, null when absent; {@code
   * where} is the config path of the {@code tls} section, for messages.
   */
  public ServerTls serverTls(String where) {
    return ServerTls.forHttp(tls, where);
  }

  /** What checks requests against {@link #auth}; null when there is none. */
  public Authenticator authenticator() {
    return AuthSettings.authenticator(auth);
  }

  @Override
  public void validate(ConfigProblems problems) {
    positive("read_header_timeout", readHeaderTimeout, problems);
    positive("idle_timeout", idleTimeout, problems);
    if (positive("read_timeout", readTimeout, problems)
        && readHeaderTimeout != null
        && readTimeout.compareTo(readHeaderTimeout) < 0) {
      problems.error(
          "read_timeout",
          "must be at least read_header_timeout ("
              + format(readHeaderTimeout)
              + "): it covers the headers too; got "
              + format(readTimeout));
    }
    if (maxConnections < 1) {
      problems.error("max_connections", "must be at least 1, got " + maxConnections);
    }
    if (maxHeaderSize == null
        || maxHeaderSize.bytes() < 1024
        || maxHeaderSize.bytes() > 1024 * 1024) {
      problems.error("max_header_size", "must be between 1KiB and 1MiB, got " + maxHeaderSize);
    }
  }

  private static boolean positive(String key, Duration value, ConfigProblems problems) {
    if (value == null || value.isNegative() || value.isZero()) {
      problems.error(
          key, "must be positive, e.g. 10s; got " + (value == null ? "nothing" : format(value)));
      return false;
    }
    return true;
  }

  private static String format(Duration d) {
    return io.stacklens.agent.api.Durations.format(d);
  }

  /**
   * These settings for {@link HttpServerOptions#withLimits}; {@code keyPrefix} is where they sit in
   * the config ({@code "protocols.http."}, or {@code ""} for top-level keys) so refusal messages
   * can name them.
   */
  public HttpServerLimits limits(String keyPrefix) {
    return new HttpServerLimits(
        readHeaderTimeout,
        readTimeout,
        idleTimeout,
        maxConnections,
        (int) maxHeaderSize.bytes(),
        MAX_REQUEST_LINE,
        keyPrefix);
  }
}
