package io.stacklens.processor.enrich;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.processor.enrich.EnrichProcessorConfig.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An {@code http} step: {@code GET url/KEY} (or the url template with {key} replaced), the JSON
 * object answered mapped to attributes. 404 (and 204) mean "not found". Server errors (5xx, 429),
 * connection failures and timeouts are retried with exponential backoff and count as failures for
 * the circuit breaker; other 4xx answers and bad JSON are errors that are not retried.
 */
final class HttpSource extends KeyedSource {
  static final int MAX_BODY_BYTES = 1 << 20;

  private final HttpClient client;
  private final String urlBefore;
  private final String urlAfter;
  private final String[] headers;
  private final Duration timeout;
  private final int maxRetries;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final CircuitBreaker breaker;
  private final JsonFields json;

  HttpSource(
      HttpSettings s,
      FieldPath key,
      TtlCache cache,
      SourceMetrics metrics,
      CircuitBreaker breaker) {
    super(s.name, key, cache, metrics);
    int at = s.url.indexOf("{key}");
    if (at >= 0) {
      urlBefore = s.url.substring(0, at);
      urlAfter = s.url.substring(at + "{key}".length());
    } else {
      urlBefore = s.url.endsWith("/") ? s.url : s.url + "/";
      urlAfter = "";
    }
    boolean accept = s.headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("accept"));
    headers = new String[s.headers.size() * 2 + (accept ? 0 : 2)];
    int i = 0;
    for (Map.Entry<String, String> h : s.headers.entrySet()) {
      headers[i++] = h.getKey();
      headers[i++] = h.getValue();
    }
    if (!accept) {
      headers[i++] = "Accept";
      headers[i] = "application/json";
    }
    timeout = s.timeout;
    maxRetries = s.retry.maxRetries;
    initialBackoffNanos = s.retry.initialBackoff.toNanos();
    maxBackoffNanos = s.retry.maxBackoff.toNanos();
    this.breaker = breaker;
    json = new JsonFields(s.fields, s.effectivePrefix());
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    if (breaker != null) metrics.circuitGauge(() -> breaker.state().gauge);
  }

  /** The URL for {@code key}. */
  URI uri(String key) {
    return URI.create(
        urlBefore + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + urlAfter);
  }

  @Override
  Outcome refuseNow() {
    return breaker != null && breaker.refusesNow() ? circuitOpen() : null;
  }

  private static Outcome circuitOpen() {
    return Outcome.error("circuit_open", "circuit open");
  }

  @Override
  Outcome fetch(String k) {
    URI uri;
    try {
      uri = uri(k);
    } catch (IllegalArgumentException e) {
      return Outcome.error("bad_key", "cannot build a URL for the key: " + e.getMessage());
    }
    long backoff = initialBackoffNanos;
    Outcome last = null;
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) {
        long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        try {
          Thread.sleep(jittered / 1_000_000, (int) (jittered % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return last;
        }
        backoff = Math.min(maxBackoffNanos, backoff * 2);
      }
      if (breaker != null && !breaker.tryAcquire()) return circuitOpen();
      Attempt a = attempt(uri);
      if (breaker != null) {
        if (a.breakerFailure) breaker.onFailure();
        else breaker.onSuccess();
      }
      if (!a.retryable) return a.outcome;
      last = a.outcome;
    }
    return last;
  }

  private record Attempt(Outcome outcome, boolean retryable, boolean breakerFailure) {}

  private Attempt attempt(URI uri) {
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(timeout).headers(headers).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt(Outcome.error("interrupted", "interrupted"), false, false);
    } catch (IOException e) {
      return new Attempt(Errors.outcome(e, timeout), true, true);
    }
    int status = response.statusCode();
    byte[] body;
    try (InputStream in = response.body()) {
      if (status == 404 || status == 204) return new Attempt(Outcome.NOT_FOUND, false, false);
      if (status < 200 || status > 299) {
        boolean serverSide = status >= 500 || status == 429;
        return new Attempt(
            Outcome.error("http_status", "http status " + status), serverSide, serverSide);
      }
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      return new Attempt(Errors.outcome(e, timeout), true, true);
    }
    if (body.length > MAX_BODY_BYTES) {
      return new Attempt(
          Outcome.error("bad_response", "bad response: body larger than 1 MiB"), false, false);
    }
    try {
      Attributes mapped = json.map(body);
      return new Attempt(Outcome.found(mapped), false, false);
    } catch (JsonFields.BadJson e) {
      return new Attempt(
          Outcome.error("bad_response", "bad response: " + e.getMessage()), false, false);
    }
  }

  CircuitBreaker breaker() {
    return breaker;
  }
}
