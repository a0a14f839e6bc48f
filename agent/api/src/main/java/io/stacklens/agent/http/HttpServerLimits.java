package io.stacklens.agent.http;

import java.time.Duration;

/**
 * The protections of an {@link HttpServer} against clients that hold connections or memory without
 * finishing a request (see {@link HttpServerSettings} for the config keys and defaults).
 *
 * @param readHeaderTimeout request line and headers, from connection open or the request's first
 *     byte
 * @param readTimeout the whole request, from the same start (at least {@code readHeaderTimeout})
 * @param idleTimeout a keep-alive connection waiting for its next request
 * @param maxConnections connections open at once; more are closed when accepted
 * @param maxHeaderSize all header lines together, in bytes; larger: 431
 * @param maxRequestLine the request line, in bytes; longer: 414
 * @param keyPrefix where the settings sit in config ({@code "protocols.http."}), for messages
 */
public record HttpServerLimits(
    Duration readHeaderTimeout,
    Duration readTimeout,
    Duration idleTimeout,
    int maxConnections,
    int maxHeaderSize,
    int maxRequestLine,
    String keyPrefix) {
  /**
   * The defaults of {@link HttpServerSettings}, for servers without config of their own (the admin
   * server).
   */
  public static final HttpServerLimits DEFAULTS = new HttpServerSettings().limits("");

  public HttpServerLimits {
    requirePositive("readHeaderTimeout", readHeaderTimeout);
    requirePositive("readTimeout", readTimeout);
    requirePositive("idleTimeout", idleTimeout);
    if (readTimeout.compareTo(readHeaderTimeout) < 0) {
      throw new IllegalArgumentException("readTimeout must be at least readHeaderTimeout");
    }
    if (maxConnections < 1)
      throw new IllegalArgumentException(
          "maxConnections must be at least 1, got " + maxConnections);
    if (maxHeaderSize < 1)
      throw new IllegalArgumentException("maxHeaderSize must be positive, got " + maxHeaderSize);
    if (maxRequestLine < 1)
      throw new IllegalArgumentException("maxRequestLine must be positive, got " + maxRequestLine);
    keyPrefix = keyPrefix == null ? "" : keyPrefix;
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero())
      throw new IllegalArgumentException(name + " must be positive, got " + d);
  }

  /** The config key of a setting, for messages: {@code protocols.http.read_timeout}. */
  String key(String setting) {
    return keyPrefix + setting;
  }

  /**
   * These limits, named in messages as sitting under {@code keyPrefix} ({@code
   * service.telemetry.}).
   */
  public HttpServerLimits withKeyPrefix(String prefix) {
    return new HttpServerLimits(
        readHeaderTimeout,
        readTimeout,
        idleTimeout,
        maxConnections,
        maxHeaderSize,
        maxRequestLine,
        prefix);
  }

  public HttpServerLimits withTimeouts(Duration readHeader, Duration read, Duration idle) {
    return new HttpServerLimits(
        readHeader, read, idle, maxConnections, maxHeaderSize, maxRequestLine, keyPrefix);
  }

  public HttpServerLimits withMaxConnections(int max) {
    return new HttpServerLimits(
        readHeaderTimeout, readTimeout, idleTimeout, max, maxHeaderSize, maxRequestLine, keyPrefix);
  }

  public HttpServerLimits withMaxHeaderSize(int bytes) {
    return new HttpServerLimits(
        readHeaderTimeout,
        readTimeout,
        idleTimeout,
        maxConnections,
        bytes,
        maxRequestLine,
        keyPrefix);
  }
}
