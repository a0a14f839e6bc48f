package io.stacklens.exporter.otlp;

import io.stacklens.agent.api.ConfigProblems;
import java.net.URI;

/**
 * Config of the {@code otlp} exporter (OTLP/gRPC), in the OpenTelemetry Collector's shape:
 *
 * <pre>
 * endpoint: gateway.example:4317   # host:port; https://host:port is the same, http://host:port means no TLS
 * tls: { insecure: false, ca_file: ..., cert_file: ..., key_file: ... }
 * headers: { authorization: "Bearer ${env:GATEWAY_TOKEN}" }
 * compression: gzip
 * timeout: 5s                      # and the exporter helper's sending_queue, batch, retry_on_failure
 * </pre>
 */
public class OtlpGrpcExporterConfig extends OtlpClientConfig {
  /**
   * Where to send: {@code host:port}, or a URL whose {@code http} scheme turns TLS off. Required.
   */
  public String endpoint;

  @Override
  public void validate(ConfigProblems problems) {
    super.validate(problems);
    if (endpoint == null || endpoint.isBlank()) {
      problems.error(
          "endpoint", "is required: host:port of the OTLP/gRPC server, e.g. gateway:4317");
      return;
    }
    try {
      GrpcTarget target = target();
      if (!target.tls() && tls != null && (tls.caFile != null || tls.certFile != null)) {
        problems.warning(
            "endpoint",
            "uses http://, so no TLS: the tls files are not used (https:// or host:port uses them)");
      }
    } catch (IllegalArgumentException e) {
      problems.error("endpoint", e.getMessage());
    }
  }

  /** Host, port and whether to speak TLS, from {@link #endpoint} and {@code tls.insecure}. */
  GrpcTarget target() {
    String text = endpoint.trim();
    boolean tlsOn = tls == null || !tls.insecure;
    if (text.contains("://")) {
      URI uri;
      try {
        uri = URI.create(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getMessage(), e);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException(
            "'" + text + "': the scheme must be http or https (or none: host:port)");
      }
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new IllegalArgumentException(
            "'" + text + "' needs a host and a port, e.g. https://gateway:4317");
      }
      checkPort(text, uri.getPort());
      if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "': gRPC takes no path (the service names it); remove '"
                + uri.getPath()
                + "'");
      }
      return new GrpcTarget(
          unbracketed(uri.getHost()), uri.getPort(), tlsOn && uri.getScheme().equals("https"));
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "'" + text + "' needs a port: host:port, e.g. gateway:4317");
    }
    String host = text.substring(0, colon);
    if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
      throw new IllegalArgumentException(
          "'" + text + "': write an IPv6 address in brackets, e.g. [::1]:4317");
    }
    host = unbracketed(host);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': the port is not a number", e);
    }
    checkPort(text, port);
    return new GrpcTarget(host, port, tlsOn);
  }

  private static void checkPort(String text, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': the port must be in 1..65535");
    }
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Where the gRPC channel connects. */
  record GrpcTarget(String host, int port, boolean tls) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
