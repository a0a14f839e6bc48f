package io.stacklens.exporter.otlp;

import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.data.Signal;
import java.net.URI;

/**
 * Config of the {@code otlphttp} exporter (OTLP/HTTP), in the OpenTelemetry Collector's shape:
 *
 * <pre>
 * endpoint: https://gateway.example:4318   # base URL: /v1/logs, /v1/traces, /v1/metrics are added
 * logs_endpoint: ...                       # optional full URLs per signal, used as they are
 * traces_endpoint: ...
 * metrics_endpoint: ...
 * encoding: proto                          # proto | json
 * tls: { ca_file: ..., cert_file: ..., key_file: ... }
 * headers: { x-api-key: "${env:GATEWAY_KEY}" }
 * compression: gzip
 * timeout: 5s
 * </pre>
 */
public class OtlpHttpExporterConfig extends OtlpClientConfig {
  /**
   * Base URL; the signal's path ({@code /v1/logs}, ...) is appended. Required unless each signal
   * has its own.
   */
  public String endpoint;

  /** Full URL for logs, instead of {@code endpoint + /v1/logs}. */
  public String logsEndpoint;

  /** Full URL for traces, instead of {@code endpoint + /v1/traces}. */
  public String tracesEndpoint;

  /** Full URL for metrics, instead of {@code endpoint + /v1/metrics}. */
  public String metricsEndpoint;

  /** Body encoding: {@code proto} (default, smaller and faster) or {@code json}. */
  public Encoding encoding = Encoding.PROTO;

  /** {@code encoding}. */
  public enum Encoding {
    PROTO,
    JSON
  }

  @Override
  public void validate(ConfigProblems problems) {
    super.validate(problems);
    if (encoding == null) problems.error("encoding", "must be proto or json");
    boolean anyMissing = false;
    for (Signal signal : Signal.values()) {
      String own = own(signal);
      if (own != null) {
        checkUrl(signal.id() + "_endpoint", own, problems);
      } else {
        anyMissing = true;
      }
    }
    if (endpoint == null || endpoint.isBlank()) {
      if (anyMissing) {
        problems.error(
            "endpoint",
            "is required (a base URL such as https://gateway:4318) unless logs_endpoint,"
                + " traces_endpoint and metrics_endpoint are all set");
      }
    } else {
      checkUrl("endpoint", endpoint, problems);
    }
  }

  private String own(Signal signal) {
    String url =
        switch (signal) {
          case LOGS -> logsEndpoint;
          case TRACES -> tracesEndpoint;
          case METRICS -> metricsEndpoint;
        };
    return url == null || url.isBlank() ? null : url.trim();
  }

  private static void checkUrl(String key, String url, ConfigProblems problems) {
    try {
      URI uri = URI.create(url.trim());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        problems.error(key, "'" + url + "' must start with http:// or https://");
      } else if (uri.getHost() == null) {
        problems.error(key, "'" + url + "' has no host");
      }
    } catch (IllegalArgumentException e) {
      problems.error(key, "'" + url + "' is not a URL: " + e.getMessage());
    }
  }

  /** Where {@code signal} is posted. */
  URI url(Signal signal) {
    String own = own(signal);
    if (own != null) return URI.create(own);
    String base = endpoint.trim();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return URI.create(base + "/v1/" + signal.id());
  }
}
