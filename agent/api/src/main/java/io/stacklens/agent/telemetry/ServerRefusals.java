package io.stacklens.agent.telemetry;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a server's protections did to connections and requests, counted by reason and logged
 * rate-limited ({@link RateLimitedLog}, one line per reason per minute):
 *
 * <ul>
 *   <li>{@value #REFUSED_CONNECTIONS}{@code {receiver,transport,reason}}: connections the server
 *       closed to protect itself: {@value #CONNECTION_LIMIT}, {@value #HEADER_TIMEOUT}, {@value
 *       #HANDSHAKE_TIMEOUT}, {@value #TLS_HANDSHAKE}, {@value #RAPID_RESET}, {@value #PING_FLOOD},
 *       {@value #PROTOCOL_ERROR};
 *   <li>{@value #REFUSED_REQUESTS}{@code {receiver,transport,reason}}: requests answered with an
 *       error by the server itself (before a handler saw them): {@value #READ_TIMEOUT}, {@value
 *       #HEADER_TOO_LARGE}, {@value #REQUEST_LINE_TOO_LONG}, {@value #MALFORMED_REQUEST}, {@value
 *       #MEMORY_LIMIT}, {@value #STREAM_LIMIT}, and for gRPC also {@value #TOO_LARGE}, {@value
 *       #MALFORMED_BODY};
 *   <li>{@value #CLOSED_CONNECTIONS}{@code {receiver,transport,reason}}: routine closes, counted
 *       but not logged: {@value #IDLE_TIMEOUT}, {@value #MAX_CONNECTION_AGE}.
 * </ul>
 *
 * Reasons are snake_case words from a small fixed set (they are metric label values and rate-limit
 * keys). Thread-safe.
 */
public final class ServerRefusals {
  public static final String REFUSED_CONNECTIONS = "stacklens_receiver_refused_connections_total";
  public static final String REFUSED_REQUESTS = "stacklens_receiver_refused_requests_total";
  public static final String CLOSED_CONNECTIONS = "stacklens_receiver_closed_connections_total";

  /** More connections open than {@code max_connections}: the new one is closed at once. */
  public static final String CONNECTION_LIMIT = "connection_limit";

  /** The request head (HTTP) was not complete within {@code read_header_timeout}. */
  public static final String HEADER_TIMEOUT = "header_timeout";

  /** The HTTP/2 connection preface did not arrive within {@code handshake_timeout} (gRPC). */
  public static final String HANDSHAKE_TIMEOUT = "handshake_timeout";

  /** Too many RST_STREAM frames (HTTP/2 rapid reset, CVE-2023-44487): GOAWAY ENHANCE_YOUR_CALM. */
  public static final String RAPID_RESET = "rapid_reset";

  /**
   * Pings more often than {@code keepalive.enforcement_policy} allows: GOAWAY ENHANCE_YOUR_CALM.
   */
  public static final String PING_FLOOD = "ping_flood";

  /** Any other GOAWAY with an error code (a client breaking the HTTP/2 protocol). */
  public static final String PROTOCOL_ERROR = "protocol_error";

  /** The whole request (head and body) was not received within {@code read_timeout}: 408. */
  public static final String READ_TIMEOUT = "read_timeout";

  /** Request headers larger than {@code max_header_size}: 431. */
  public static final String HEADER_TOO_LARGE = "header_too_large";

  /** A request line longer than the server's limit: 414. */
  public static final String REQUEST_LINE_TOO_LONG = "request_line_too_long";

  /** Bytes that are not HTTP/1.1: 400. */
  public static final String MALFORMED_REQUEST = "malformed_request";

  /**
   * The agent's memory budget ({@code service.memory_limiter}) could not hold the request: 429 /
   * RESOURCE_EXHAUSTED.
   */
  public static final String MEMORY_LIMIT = "memory_limit";

  /** A stream beyond {@code max_concurrent_streams} (gRPC): RST_STREAM REFUSED_STREAM. */
  public static final String STREAM_LIMIT = "stream_limit";

  /** A gRPC message over {@code max_recv_msg_size} (also after decompression). */
  public static final String TOO_LARGE = "too_large";

  /** A gRPC message whose compression is broken (not gzip). */
  public static final String MALFORMED_BODY = "malformed_body";

  /** A request without the credential {@code auth} asks for (401 / {@code UNAUTHENTICATED}). */
  public static final String UNAUTHENTICATED = "unauthenticated";

  /**
   * A TLS handshake that failed: no or a wrong client certificate, no common TLS version, plaintext
   * sent to a TLS port.
   */
  public static final String TLS_HANDSHAKE = "tls_handshake";

  /**
   * A keep-alive connection without a request for {@code idle_timeout} / {@code
   * max_connection_idle}.
   */
  public static final String IDLE_TIMEOUT = "idle_timeout";

  /** A gRPC connection older than {@code max_connection_age}. */
  public static final String MAX_CONNECTION_AGE = "max_connection_age";

  private static final System.Logger DEFAULT_LOGGER =
      System.getLogger(ServerRefusals.class.getName());

  private final MetricsRegistry registry;
  private final String receiver;
  private final String transport;
  private final String prefix;
  private final RateLimitedLog log;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private ServerRefusals(
      MetricsRegistry registry, String receiver, String transport, RateLimitedLog log) {
    this.registry = registry;
    this.receiver = receiver;
    this.transport = transport;
    this.prefix = receiver + " (" + transport + "): ";
    this.log = log;
  }

  /**
   * Counted in {@code registry} with labels {@code receiver} and {@code transport}, logged to
   * {@code logger}.
   */
  public static ServerRefusals of(
      MetricsRegistry registry, String receiver, String transport, System.Logger logger) {
    return new ServerRefusals(registry, receiver, transport, RateLimitedLog.of(logger));
  }

  /**
   * Logged (rate-limited) but not counted: servers that are not receivers, such as the admin
   * server.
   */
  public static ServerRefusals logOnly(String server) {
    return new ServerRefusals(null, server, "http", RateLimitedLog.of(DEFAULT_LOGGER));
  }

  /** For tests: lines go to {@code log}. */
  static ServerRefusals of(
      MetricsRegistry registry, String receiver, String transport, RateLimitedLog log) {
    return new ServerRefusals(registry, receiver, transport, log);
  }

  /**
   * A connection closed by a protection; {@code detail} says what happened, e.g. "refused a
   * connection from ...".
   */
  public void refusedConnection(String reason, Supplier<String> detail) {
    count(REFUSED_CONNECTIONS, "Connections closed by the server's protections, by reason", reason);
    log.warn(reason, () -> prefix + detail.get());
  }

  /**
   * A request the server answered with an error itself; {@code detail} names the request and the
   * answer.
   */
  public void refusedRequest(String reason, Supplier<String> detail) {
    count(REFUSED_REQUESTS, "Requests refused as a whole, by reason", reason);
    log.warn(reason, () -> prefix + detail.get());
  }

  /** A routine close (idle, aged out): counted, logged only at DEBUG. */
  public void closedConnection(String reason, Supplier<String> detail) {
    count(
        CLOSED_CONNECTIONS,
        "Connections closed by the server in the normal course (idle, aged out), by reason",
        reason);
    log.log(Level.DEBUG, reason, () -> prefix + detail.get());
  }

  private void count(String family, String help, String reason) {
    if (registry == null) return;
    counters
        .computeIfAbsent(
            family + '\u0000' + reason,
            k ->
                registry.counter(
                    family, help, "receiver", receiver, "transport", transport, "reason", reason))
        .inc();
  }
}
