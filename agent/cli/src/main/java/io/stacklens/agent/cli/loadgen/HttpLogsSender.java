package io.stacklens.agent.cli.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * OTLP/HTTP sender: {@code POST /v1/logs} with the JDK {@link HttpClient} (HTTP/1.1, one pooled
 * connection per request in flight) and the pre-encoded body of each {@link PreparedRequest}.
 */
final class HttpLogsSender implements LogsSender {
  private static final JsonFactory JSON = new JsonFactory();

  private final URI uri;
  private final String contentType;
  private final boolean gzip;
  private final Duration timeout;
  private final ExecutorService executor;
  private final HttpClient client;

  HttpLogsSender(LoadgenOptions options) {
    this.uri = uri(options.endpoint());
    this.contentType = options.encoding().contentType();
    this.gzip = options.gzip();
    this.timeout = options.requestTimeout();
    this.executor =
        Executors.newFixedThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "loadgen-http");
              thread.setDaemon(true);
              return thread;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .executor(executor)
            .build();
  }

  /**
   * The request URI: {@code host:port} becomes {@code http://host:port/v1/logs}; a URL keeps its
   * path.
   */
  static URI uri(String endpoint) {
    String url = endpoint.strip();
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      url = "http://" + url;
    }
    URI parsed = URI.create(url);
    String path = parsed.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      parsed = URI.create(url.replaceAll("/+$", "") + "/v1/logs");
    }
    return parsed;
  }

  @Override
  public CompletableFuture<SendResult> send(PreparedRequest request) {
    HttpRequest.Builder http =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", contentType)
            .header("User-Agent", "stacklens-loadgen")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    if (gzip) {
      http.header("Content-Encoding", "gzip");
    }
    return client
        .sendAsync(http.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, error) ->
                error != null
                    ? new SendResult.Failed("io_error", describe(error))
                    : outcome(response));
  }

  private static SendResult outcome(HttpResponse<byte[]> response) {
    int code = response.statusCode();
    if (code >= 200 && code < 300) {
      return new SendResult.Accepted(rejectedRecords(response));
    }
    String status = Integer.toString(code);
    if (code == 429 || code == 503) {
      return new SendResult.Refused(
          status, retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
    }
    return new SendResult.Failed(status, bodyText(response.body()));
  }

  /**
   * Parses {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable.
   */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.strip();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration delay = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return delay.isNegative() ? Duration.ZERO : delay;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private static long rejectedRecords(HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      return 0;
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    try {
      if (type.startsWith("application/json")) {
        return rejectedRecordsFromJson(body);
      }
      return ExportLogsServiceResponse.parseFrom(body).getPartialSuccess().getRejectedLogRecords();
    } catch (IOException | NumberFormatException e) {
      return 0; // an unreadable success body still means the request was accepted
    }
  }

  /** {@code partialSuccess.rejectedLogRecords} of an OTLP/JSON response (a number or a string). */
  static long rejectedRecordsFromJson(byte[] body) throws IOException {
    try (JsonParser parser = JSON.createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME
            && (parser.currentName().equals("rejectedLogRecords")
                || parser.currentName().equals("rejected_log_records"))) {
          parser.nextToken();
          return Long.parseLong(parser.getValueAsString("0"));
        }
      }
    }
    return 0;
  }

  private static String bodyText(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
    return text.replaceAll("[\\p{Cntrl}&&[^\n]]", "?").strip();
  }

  private static String describe(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
