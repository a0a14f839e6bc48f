package io.stacklens.receiver.otlp;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.ReplaceDefaults;
import io.stacklens.agent.api.RequestLimitsConfig;
import io.stacklens.agent.auth.AuthSettings;
import io.stacklens.agent.http.Endpoint;
import io.stacklens.agent.http.HttpServerSettings;
import io.stacklens.agent.tls.TlsServerSettings;
import java.time.Duration;

/**
 * Config of the {@code otlp} receiver.
 *
 * <pre>
 * protocols:
 *   grpc:
 *     endpoint: 127.0.0.1:4317        # host:port; port 0 picks a free port
 *     max_recv_msg_size: 8MiB         # largest accepted (decompressed) gRPC message
 *     max_concurrent_streams: 100     # server protections, see GrpcSettings
 *     max_connections: 1000
 *     max_header_list_size: 16KiB
 *     handshake_timeout: 10s
 *     read_timeout: 30s
 *     max_rst_frames_per_window: 200
 *     rst_frames_window: 10s
 *     auth: { bearer_token: "${env:TOKEN}" }   # optional, see AuthSettings
 *     tls: { cert_file: server.pem, key_file: server.key }   # optional, see TlsServerSettings
 *     keepalive:
 *       server_parameters: { max_connection_idle: 5m, max_connection_age: 0s, max_connection_age_grace: 0s, time: 2h, timeout: 20s }
 *       enforcement_policy: { min_time: 5m, permit_without_stream: false }
 *   http:
 *     endpoint: 127.0.0.1:4318
 *     max_request_body_size: 8MiB     # largest body, before and after decompression
 *     read_header_timeout: 10s        # server protections, see HttpServerSettings
 *     read_timeout: 30s
 *     idle_timeout: 60s
 *     max_connections: 1000
 *     max_header_size: 16KiB
 * retry_after: 100ms                  # delay suggested to clients on backpressure
 * limits: { ... }                     # what one request may decode into, see RequestLimitsConfig
 * </pre>
 *
 * As in the OpenTelemetry Collector, only the protocols present under {@code protocols} are served;
 * without a {@code protocols} section both are. A protocol written with no settings ({@code grpc:})
 * is served with its defaults.
 */
public class OtlpReceiverConfig implements ComponentConfig {
  @ReplaceDefaults public Protocols protocols = Protocols.grpcAndHttp();

  /**
   * Delay suggested to clients when the pipeline is full or the agent is stopping (gRPC RetryInfo,
   * HTTP Retry-After, rounded up to whole seconds). Default 100ms: the ring drains in milliseconds,
   * so a long hint only leaves clients idle.
   */
  public Duration retryAfter = Duration.ofMillis(100);

  /**
   * What one request may decode into (records, attributes, nesting, value sizes, decoded bytes);
   * both protocols.
   */
  public RequestLimitsConfig limits = new RequestLimitsConfig();

  /** Which transports to serve; a null field is a disabled protocol. */
  public static class Protocols implements ComponentConfig {
    public GrpcSettings grpc;
    public HttpSettings http;

    /** Both protocols with their defaults: the receiver's default config. */
    public static Protocols grpcAndHttp() {
      Protocols p = new Protocols();
      p.grpc = new GrpcSettings();
      p.http = new HttpSettings();
      return p;
    }

    @Override
    public void validate(ConfigProblems problems) {
      if (grpc == null && http == null) {
        problems.error("", "enable at least one protocol: grpc or http");
      }
    }
  }

  /**
   * OTLP/gRPC server settings: endpoint and message size, plus the protections against clients that
   * would exhaust the server (see docs/receivers/otlp.md, "Server protections").
   */
  public static class GrpcSettings implements ComponentConfig {
    /** Listening address, default {@code 127.0.0.1:4317}. */
    public String endpoint = "127.0.0.1:4317";

    /** The credential every call must carry ({@code authorization} metadata); none by default. */
    public AuthSettings auth;

    /** The TLS every connection speaks (ALPN {@code h2}); plaintext when absent. */
    public TlsServerSettings tls;

    /**
     * Largest accepted message after decompression, default 8MiB (sized for the default 128 MiB
     * heap); larger ones get RESOURCE_EXHAUSTED.
     */
    public ByteSize maxRecvMsgSize = ByteSize.ofMebibytes(8);

    /**
     * Calls (HTTP/2 streams) in progress on one connection; more are refused with REFUSED_STREAM.
     * Default 100.
     */
    public int maxConcurrentStreams = 100;

    /**
     * Connections open at once; one beyond this is closed as soon as it is accepted. Default 1000.
     */
    public int maxConnections = 1000;

    /**
     * Largest request metadata (all headers of a call, decoded); default 16KiB, as HTTP's
     * max_header_size.
     */
    public ByteSize maxHeaderListSize = new ByteSize(16 * 1024);

    /**
     * Time from connection open until the client's HTTP/2 preface and first frame have arrived;
     * slower: closed. Default 10s.
     */
    public Duration handshakeTimeout = Duration.ofSeconds(10);

    /**
     * Time from a call's start until its request message has fully arrived; slower:
     * DEADLINE_EXCEEDED. Default 30s.
     */
    public Duration readTimeout = Duration.ofSeconds(30);

    /**
     * HTTP/2 rapid reset (CVE-2023-44487): a connection sending more than this many RST_STREAM
     * frames within {@link #rstFramesWindow} is closed with GOAWAY ENHANCE_YOUR_CALM. Default 200.
     */
    public int maxRstFramesPerWindow = 200;

    /** The window of {@link #maxRstFramesPerWindow}, whole seconds. Default 10s. */
    public Duration rstFramesWindow = Duration.ofSeconds(10);

    /** Keepalive and connection lifetime, as the OpenTelemetry Collector's configgrpc. */
    public Keepalive keepalive = new Keepalive();

    @Override
    public void validate(ConfigProblems problems) {
      validateEndpoint(endpoint, problems);
      validateSize("max_recv_msg_size", maxRecvMsgSize, problems);
      atLeastOne("max_concurrent_streams", maxConcurrentStreams, problems);
      atLeastOne("max_connections", maxConnections, problems);
      if (maxHeaderListSize == null
          || maxHeaderListSize.bytes() < 1024
          || maxHeaderListSize.bytes() > 1024 * 1024) {
        problems.error(
            "max_header_list_size", "must be between 1KiB and 1MiB, got " + maxHeaderListSize);
      }
      positive("handshake_timeout", handshakeTimeout, problems);
      positive("read_timeout", readTimeout, problems);
      atLeastOne("max_rst_frames_per_window", maxRstFramesPerWindow, problems);
      if (rstFramesWindow == null
          || rstFramesWindow.toMillis() < 1000
          || rstFramesWindow.toMillis() % 1000 != 0) {
        problems.error(
            "rst_frames_window",
            "must be a whole number of seconds, at least 1s, got "
                + Durations.describe(rstFramesWindow));
      }
      if (keepalive == null) {
        problems.error("keepalive", "must not be empty; remove it to use the defaults");
      }
    }
  }

  /**
   * {@code protocols.grpc.keepalive}: the same keys as the OpenTelemetry Collector's configgrpc.
   */
  public static class Keepalive implements ComponentConfig {
    public ServerParameters serverParameters = new ServerParameters();
    public EnforcementPolicy enforcementPolicy = new EnforcementPolicy();

    @Override
    public void validate(ConfigProblems problems) {
      if (serverParameters == null) {
        problems.error("server_parameters", "must not be empty; remove it to use the defaults");
      }
      if (enforcementPolicy == null) {
        problems.error("enforcement_policy", "must not be empty; remove it to use the defaults");
      }
    }
  }

  /** How the server manages connection lifetime. A zero duration means "no limit" where noted. */
  public static class ServerParameters implements ComponentConfig {
    /**
     * A connection without calls for this long is closed with GOAWAY (clients reconnect when they
     * next export). Default 5m: longer than the 60s interval of metric exporters, so they keep
     * their connection, short enough that idle sockets do not hold max_connections slots for hours.
     * 0: never.
     */
    public Duration maxConnectionIdle = Duration.ofMinutes(5);

    /**
     * A connection older than this is closed with GOAWAY, whatever it does (load rebalancing).
     * Default 0: never.
     */
    public Duration maxConnectionAge = Duration.ZERO;

    /**
     * Calls still running when max_connection_age is reached get this long to finish. Default 0: no
     * limit.
     */
    public Duration maxConnectionAgeGrace = Duration.ZERO;

    /**
     * The server pings a connection idle for this long to check it is alive. Default 2h (at least
     * 10s).
     */
    public Duration time = Duration.ofHours(2);

    /** A ping unanswered for this long closes the connection. Default 20s. */
    public Duration timeout = Duration.ofSeconds(20);

    @Override
    public void validate(ConfigProblems problems) {
      notNegative("max_connection_idle", maxConnectionIdle, problems);
      notNegative("max_connection_age", maxConnectionAge, problems);
      notNegative("max_connection_age_grace", maxConnectionAgeGrace, problems);
      if (time == null || time.compareTo(Duration.ofSeconds(10)) < 0) {
        problems.error(
            "time",
            "must be at least 10s (gRPC raises shorter ones), got " + Durations.describe(time));
      }
      positive("timeout", timeout, problems);
    }
  }

  /**
   * What the server allows clients' keepalive pings to do; a client pinging more often gets GOAWAY
   * ENHANCE_YOUR_CALM.
   */
  public static class EnforcementPolicy implements ComponentConfig {
    /** Shortest interval between client pings. Default 5m (gRPC's default). */
    public Duration minTime = Duration.ofMinutes(5);

    /** Whether clients may ping while they have no call in progress. Default false. */
    public boolean permitWithoutStream = false;

    @Override
    public void validate(ConfigProblems problems) {
      notNegative("min_time", minTime, problems);
    }
  }

  /**
   * OTLP/HTTP server settings: endpoint and body size, plus the server protections of {@link
   * HttpServerSettings} ({@code read_header_timeout}, {@code read_timeout}, {@code idle_timeout},
   * {@code max_connections}, {@code max_header_size}).
   */
  public static class HttpSettings extends HttpServerSettings {
    /** Listening address, default {@code 127.0.0.1:4318}. */
    public String endpoint = "127.0.0.1:4318";

    /**
     * Largest accepted body, as sent and after decompression; default 8MiB (sized for the default
     * 128 MiB heap); larger ones get 413.
     */
    public ByteSize maxRequestBodySize = ByteSize.ofMebibytes(8);

    @Override
    public void validate(ConfigProblems problems) {
      validateEndpoint(endpoint, problems);
      validateSize("max_request_body_size", maxRequestBodySize, problems);
      super.validate(problems);
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (protocols == null) {
      problems.error("protocols", "enable at least one protocol: grpc or http");
    }
    if (retryAfter == null || retryAfter.isNegative()) {
      problems.error(
          "retry_after", "must be zero or positive, got " + Durations.describe(retryAfter));
    }
  }

  private static void validateEndpoint(String endpoint, ConfigProblems problems) {
    try {
      Endpoint.parse(endpoint);
    } catch (IllegalArgumentException e) {
      problems.error("endpoint", e.getMessage());
    }
  }

  private static void validateSize(String key, ByteSize size, ConfigProblems problems) {
    if (size == null || size.bytes() < 1 || size.bytes() > Integer.MAX_VALUE) {
      problems.error(key, "must be between 1 byte and 2GiB, got " + size);
    }
  }

  private static void atLeastOne(String key, int value, ConfigProblems problems) {
    if (value < 1) problems.error(key, "must be at least 1, got " + value);
  }

  private static void positive(String key, Duration value, ConfigProblems problems) {
    if (value == null || value.isNegative() || value.isZero()) {
      problems.error(key, "must be positive, e.g. 10s; got " + Durations.describe(value));
    }
  }

  private static void notNegative(String key, Duration value, ConfigProblems problems) {
    if (value == null || value.isNegative()) {
      problems.error(key, "must be zero (no limit) or positive, got " + Durations.describe(value));
    }
  }
}
