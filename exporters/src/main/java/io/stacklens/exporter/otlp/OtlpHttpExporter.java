package io.stacklens.exporter.otlp;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.otlp.OtlpRequests;
import io.stacklens.agent.telemetry.RateLimitedLog;
import io.stacklens.agent.tls.ClientTls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLParameters;

/**
 * The {@code otlphttp} exporter: each batch as one {@code POST} of an OTLP {@code
 * Export*ServiceRequest} (protobuf or JSON), encoded once and compressed once, on the JDK's HTTP
 * client (HTTP/2 where the server offers it over TLS, else HTTP/1.1, connections kept alive).
 * Answers are turned into retryable, permanent or partially rejected failures by {@link
 * OtlpOutcomes}.
 */
final class OtlpHttpExporter implements Exporter {
  private final ComponentContext context;
  private final OtlpHttpExporterConfig config;
  private final boolean json;
  private final Map<Signal, URI> urls = new EnumMap<>(Signal.class);
  private final RateLimitedLog warnings;
  private volatile HttpClient client;

  OtlpHttpExporter(ComponentContext context, OtlpHttpExporterConfig config) {
    this.context = context;
    this.config = config;
    this.json = config.encoding == OtlpHttpExporterConfig.Encoding.JSON;
    for (Signal s : Signal.values()) urls.put(s, config.url(s));
    this.warnings = RateLimitedLog.of(context.logger());
  }

  @Override
  public void start(Host host) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    boolean anyHttps = urls.values().stream().anyMatch(u -> u.getScheme().equals("https"));
    if (anyHttps) {
      ClientTls tls = ClientTls.create(config.tls, "exporters." + context.id() + ".tls");
      SSLParameters parameters = tls.sslContext().getDefaultSSLParameters();
      parameters.setProtocols(tls.protocols());
      builder.sslContext(tls.sslContext()).sslParameters(parameters);
    } else {
      builder.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plaintext servers
    }
    client = builder.build();
    context
        .logger()
        .log(
            System.Logger.Level.INFO,
            "exporter "
                + context.id()
                + ": OTLP/HTTP ("
                + config.encoding.name().toLowerCase(Locale.ROOT)
                + ", compression "
                + config.compression.name().toLowerCase(Locale.ROOT)
                + ") to "
                + urls.get(Signal.LOGS)
                + ", "
                + urls.get(Signal.TRACES)
                + ", "
                + urls.get(Signal.METRICS));
  }

  @Override
  public void push(Batch batch) throws ExportException {
    URI url = urls.get(batch.signal());
    byte[] body = config.compression.compress(OtlpRequests.encode(batch, json));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(config.timeout)
            .header("Content-Type", json ? "application/json" : "application/x-protobuf")
            .header("User-Agent", "stacklens-agent")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    String encoding = config.compression.encoding();
    if (encoding != null) request.header("Content-Encoding", encoding);
    config.headers.forEach(request::header);
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw ExportException.retryable(url + ": no answer within " + config.timeout, e);
    } catch (ConnectException e) {
      throw ExportException.retryable(url + ": cannot connect: " + e.getMessage(), e);
    } catch (IOException e) {
      throw ExportException.retryable(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the exporter helper's timeout or a stop
      throw ExportException.retryable(url + ": interrupted", e);
    }
    int status = response.statusCode();
    boolean jsonAnswer = response.headers().firstValue("Content-Type").orElse("").contains("json");
    if (status / 100 != 2) {
      throw OtlpOutcomes.fromHttp(
          status,
          response.headers().firstValue("Retry-After").orElse(null),
          response.body(),
          jsonAnswer,
          url.toString(),
          Instant.now());
    }
    OtlpOutcomes.accept(
        OtlpOutcomes.partialSuccess(batch.signal(), response.body(), jsonAnswer),
        url.toString(),
        warnings,
        context.id());
  }

  @Override
  public void shutdown(Instant deadline) {
    // Nothing to close: JDK 17's HttpClient has no close(); its threads end once the exporter (and
    // with it the client) is unreachable. Pushes have ended before the helper calls this.
  }
}
