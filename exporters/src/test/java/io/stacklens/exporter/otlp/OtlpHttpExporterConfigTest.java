package io.stacklens.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.ValidationProblems;
import io.stacklens.agent.testing.ValidationProblems.Problem;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The {@code otlphttp} exporter's URLs: a base URL plus /v1/signal, or one URL per signal. */
class OtlpHttpExporterConfigTest {
  private static OtlpHttpExporterConfig config(String endpoint) {
    OtlpHttpExporterConfig c = new OtlpHttpExporterConfig();
    c.endpoint = endpoint;
    return c;
  }

  @Test
  void eachSignalIsPostedToItsPathUnderTheBaseUrl() {
    OtlpHttpExporterConfig c = config("https://gateway:4318");

    assertThat(c.url(Signal.LOGS)).isEqualTo(URI.create("https://gateway:4318/v1/logs"));
    assertThat(c.url(Signal.TRACES)).isEqualTo(URI.create("https://gateway:4318/v1/traces"));
    assertThat(c.url(Signal.METRICS)).isEqualTo(URI.create("https://gateway:4318/v1/metrics"));
  }

  @Test
  void trailingSlashesOfTheBaseUrlAreDropped() {
    assertThat(config("https://gateway:4318/").url(Signal.LOGS))
        .isEqualTo(URI.create("https://gateway:4318/v1/logs"));
    assertThat(config(" http://gateway:4318// ").url(Signal.TRACES))
        .isEqualTo(URI.create("http://gateway:4318/v1/traces"));
  }

  @Test
  void aBasePathIsKept() {
    assertThat(config("https://gateway.example/otlp/").url(Signal.METRICS))
        .isEqualTo(URI.create("https://gateway.example/otlp/v1/metrics"));
  }

  @Test
  void aSignalsOwnUrlIsUsedAsItIs() {
    OtlpHttpExporterConfig c = config("https://gateway:4318");
    c.logsEndpoint = " https://logs.example/ingest ";
    c.tracesEndpoint = "  ";

    assertThat(c.url(Signal.LOGS)).isEqualTo(URI.create("https://logs.example/ingest"));
    assertThat(c.url(Signal.TRACES)).isEqualTo(URI.create("https://gateway:4318/v1/traces"));
    assertThat(c.url(Signal.METRICS)).isEqualTo(URI.create("https://gateway:4318/v1/metrics"));
  }

  @Test
  void encodingDefaultsToProtobuf() {
    assertThat(new OtlpHttpExporterConfig().encoding)
        .isEqualTo(OtlpHttpExporterConfig.Encoding.PROTO);
  }

  @Test
  void aBaseUrlAloneIsValid() {
    assertThat(ValidationProblems.of(config("http://localhost:4318"))).isEmpty();
  }

  @Test
  void theEndpointIsRequiredWhenASignalHasNoUrlOfItsOwn() {
    OtlpHttpExporterConfig c = config(null);
    c.logsEndpoint = "https://logs.example/ingest";
    c.tracesEndpoint = "https://traces.example/ingest";

    ValidationProblems.assertOneError(
        ValidationProblems.of(c), "endpoint", "is required", "metrics_endpoint");
  }

  @Test
  void theEndpointIsNotNeededWhenEverySignalHasItsOwnUrl() {
    OtlpHttpExporterConfig c = config("");
    c.logsEndpoint = "https://logs.example/ingest";
    c.tracesEndpoint = "https://traces.example/ingest";
    c.metricsEndpoint = "http://metrics.example:9090/otlp";

    assertThat(ValidationProblems.of(c)).isEmpty();
    assertThat(c.url(Signal.METRICS)).isEqualTo(URI.create("http://metrics.example:9090/otlp"));
  }

  @Test
  void aUrlWithoutHttpSchemeIsAnErrorAtItsKey() {
    ValidationProblems.assertOneError(
        ValidationProblems.of(config("gateway:4318")),
        "endpoint",
        "must start with http:// or https://");
  }

  @Test
  void badSignalUrlsAreErrorsAtTheirOwnKeys() {
    OtlpHttpExporterConfig c = config("https://gateway:4318");
    c.logsEndpoint = "ftp://logs.example/ingest";
    c.tracesEndpoint = "https://traces example/";
    c.metricsEndpoint = "https:///v1/metrics";

    assertThat(ValidationProblems.of(c))
        .extracting(Problem::key)
        .containsExactlyInAnyOrder("logs_endpoint", "traces_endpoint", "metrics_endpoint");
  }

  @Test
  void aUrlWithoutHostIsAnError() {
    OtlpHttpExporterConfig c = config("https:/v1/logs");

    assertThat(ValidationProblems.of(c))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("endpoint");
              assertThat(p.message()).contains("has no host");
            });
  }

  @Test
  void somethingThatIsNoUrlIsAnError() {
    assertThat(ValidationProblems.of(config("https://gate way:4318")))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("endpoint");
              assertThat(p.message()).contains("is not a URL");
            });
  }

  @Test
  void aMissingEncodingIsAnError() {
    OtlpHttpExporterConfig c = config("https://gateway:4318");
    c.encoding = null;

    assertThat(ValidationProblems.of(c)).extracting(Problem::key).containsExactly("encoding");
  }
}
