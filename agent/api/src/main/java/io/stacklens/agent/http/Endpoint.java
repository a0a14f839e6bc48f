package io.stacklens.agent.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A listening address written {@code host:port} in config: {@code 127.0.0.1:4318}, {@code
 * [::1]:8888}, {@code 0.0.0.0:4317}. An empty host ({@code :4318}) means every interface. Port 0
 * asks the OS for a free port (tests).
 */
public record Endpoint(String host, int port) {
  public Endpoint {
    if (port < 0 || port > 65535)
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    host = host == null || host.isEmpty() ? "0.0.0.0" : host;
  }

  /**
   * Parses {@code host:port}; throws {@link IllegalArgumentException} whose message says what is
   * wrong and shows the expected form.
   */
  public static Endpoint parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "endpoint must not be empty; expected host:port, e.g. 127.0.0.1:4318");
    }
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "'" + s + "' has no port; expected host:port, e.g. 127.0.0.1:4318");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "'" + s + "': write IPv6 hosts in brackets, e.g. [::1]:4318");
    }
    String portText = s.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "': port '" + portText + "' is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + s + "': port must be in 0..65535, got " + port);
    }
    return new Endpoint(host, port);
  }

  /**
   * True when only this host can connect: a loopback address or a name that resolves to one ({@code
   * localhost}). The wildcard ({@code 0.0.0.0}, {@code ::}, an empty host) and every other address
   * are reachable from elsewhere.
   */
  public boolean isLoopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The warning to log when a server listens here without TLS and other hosts can reach it, or null
   * for a loopback address. {@code server} names the server for the log line ({@code otlp (grpc)}),
   * {@code tlsKey} is where its {@code tls} section would go.
   */
  public String plaintextWarning(String server, String tlsKey) {
    if (isLoopback()) return null;
    return server
        + ": listening on "
        + this
        + ", reachable from other hosts, without TLS: what clients send, credentials included,"
        + " crosses the network readable by anyone on the path. Set "
        + tlsKey
        + " (docs/security.md), or listen on 127.0.0.1 when only this host's applications send";
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
