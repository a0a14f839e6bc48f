package io.stacklens.receiver.otlp;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.ReplaceDefaults;
import io.stacklens.agent.api.RequestLimitsConfig;
import io.stacklens.agent.http.Endpoint;
import java.time.Duration;

/**
 * Config of the {@code otlp} receiver.
 *
 * <pre>
 * protocols:
 *   grpc:
 *     endpoint: 127.0.0.1:4317        # host:port; port 0 picks a free port
 *     max_recv_msg_size: 20MiB        # largest accepted (decompressed) gRPC message
 *   http:
 *     endpoint: 127.0.0.1:4318
 *     max_request_body_size: 20MiB    # largest body, before and after decompression
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
  /** Delay suggested to clients when the pipeline is full or the agent is stopping (gRPC RetryInfo, HTTP Retry-After, rounded up to whole seconds). Default 100ms: the ring drains in milliseconds, so a long hint only leaves clients idle. */
  public Duration retryAfter = Duration.ofMillis(100);
  /** What one request may decode into (records, attributes, nesting, value sizes, decoded bytes); both protocols. */
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
      if (grpc != null) grpc.validate(prefixed(problems, "grpc."));
      if (http != null) http.validate(prefixed(problems, "http."));
    }
  }

  /** OTLP/gRPC server settings. */
  public static class GrpcSettings implements ComponentConfig {
    /** Listening address, default {@code 127.0.0.1:4317}. */
    public String endpoint = "127.0.0.1:4317";
    /** Largest accepted message after decompression, default 20MiB; larger ones get RESOURCE_EXHAUSTED. */
    public ByteSize maxRecvMsgSize = ByteSize.ofMebibytes(20);

    @Override
    public void validate(ConfigProblems problems) {
      validateEndpoint(endpoint, problems);
      validateSize("max_recv_msg_size", maxRecvMsgSize, problems);
    }
  }

  /** OTLP/HTTP server settings. */
  public static class HttpSettings implements ComponentConfig {
    /** Listening address, default {@code 127.0.0.1:4318}. */
    public String endpoint = "127.0.0.1:4318";
    /** Largest accepted body, as sent and after decompression; default 20MiB; larger ones get 413. */
    public ByteSize maxRequestBodySize = ByteSize.ofMebibytes(20);

    @Override
    public void validate(ConfigProblems problems) {
      validateEndpoint(endpoint, problems);
      validateSize("max_request_body_size", maxRequestBodySize, problems);
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (protocols == null) {
      problems.error("protocols", "enable at least one protocol: grpc or http");
    } else {
      protocols.validate(prefixed(problems, "protocols."));
    }
    if (retryAfter == null || retryAfter.isNegative()) {
      problems.error("retry_after", "must be zero or positive, got " + retryAfter);
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

  /** Problems of a nested section, reported under {@code prefix} (which ends with a dot). */
  static ConfigProblems prefixed(ConfigProblems problems, String prefix) {
    return new ConfigProblems() {
      @Override
      public void error(String path, String message) {
        problems.error(join(path), message);
      }

      @Override
      public void warning(String path, String message) {
        problems.warning(join(path), message);
      }

      private String join(String path) {
        return path.isEmpty() ? prefix.substring(0, prefix.length() - 1) : prefix + path;
      }
    };
  }
}
