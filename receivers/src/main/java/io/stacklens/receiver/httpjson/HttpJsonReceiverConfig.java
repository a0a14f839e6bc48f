package io.stacklens.receiver.httpjson;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.RequestLimitsConfig;
import io.stacklens.agent.http.Endpoint;
import io.stacklens.agent.http.HttpServerSettings;
import io.stacklens.receiver.json.JsonMappingConfig;
import java.time.Duration;

/**
 * Config of the {@code http_json} receiver (docs/receivers/http_json.md).
 *
 * <pre>
 * endpoint: 127.0.0.1:8480          # host:port; port 0 picks a free port
 * path: /ingest                      # where records are POSTed
 * max_request_body_size: 8MiB        # as sent and after gzip decompression; larger gets 413
 * retry_after: 1s                    # Retry-After on 429 (pipeline full) and 503 (stopping)
 * mapping: { ... }                   # JSON fields -> log record, see JsonMappingConfig
 * limits: { ... }                    # what one request may decode into, see RequestLimitsConfig
 * read_header_timeout: 10s           # server protections, see HttpServerSettings
 * read_timeout: 30s
 * idle_timeout: 60s
 * max_connections: 1000
 * max_header_size: 16KiB
 * </pre>
 */
public class HttpJsonReceiverConfig extends HttpServerSettings {
  /** Default port: clear of OTLP (4317, 4318), the admin server (8888) and the ubiquitous 8080. */
  public static final int DEFAULT_PORT = 8480;

  public String endpoint = "127.0.0.1:" + DEFAULT_PORT;
  public String path = "/ingest";
  public ByteSize maxRequestBodySize = ByteSize.ofMebibytes(8);
  public Duration retryAfter = Duration.ofSeconds(1);
  public JsonMappingConfig mapping = new JsonMappingConfig();

  /**
   * Records per request, fields per record, nesting, string sizes and decoded bytes of one request.
   */
  public RequestLimitsConfig limits = new RequestLimitsConfig();

  @Override
  public void validate(ConfigProblems problems) {
    try {
      Endpoint.parse(endpoint);
    } catch (IllegalArgumentException e) {
      problems.error("endpoint", e.getMessage());
    }
    if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#")) {
      problems.error(
          "path", "must be an absolute path without query, e.g. /ingest; got '" + path + "'");
    }
    if (maxRequestBodySize == null
        || maxRequestBodySize.bytes() < 1
        || maxRequestBodySize.bytes() > Integer.MAX_VALUE) {
      problems.error(
          "max_request_body_size", "must be between 1 byte and 2GiB, got " + maxRequestBodySize);
    }
    if (retryAfter == null || retryAfter.isNegative()) {
      problems.error(
          "retry_after", "must be zero or positive, got " + Durations.describe(retryAfter));
    }
    if (mapping == null) {
      problems.error("mapping", "must not be empty; remove it to use the defaults");
    } else {
      mapping.validateAt("mapping", problems);
    }
    super.validate(problems);
  }
}
