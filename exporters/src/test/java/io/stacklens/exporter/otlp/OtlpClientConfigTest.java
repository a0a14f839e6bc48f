package io.stacklens.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.testing.ValidationProblems;
import io.stacklens.agent.testing.ValidationProblems.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What both OTLP exporters check of their {@code headers}, {@code compression} and {@code tls}. */
class OtlpClientConfigTest {
  private static List<Problem> withHeader(String name, String value) {
    OtlpHttpExporterConfig http = new OtlpHttpExporterConfig();
    http.endpoint = "https://gateway:4318";
    http.headers.put(name, value);
    OtlpGrpcExporterConfig grpc = new OtlpGrpcExporterConfig();
    grpc.endpoint = "gateway:4317";
    grpc.headers.put(name, value);
    List<Problem> fromHttp = ValidationProblems.of(http);
    assertThat(ValidationProblems.of(grpc)).as("the same for both exporters").isEqualTo(fromHttp);
    return fromHttp;
  }

  @ParameterizedTest
  @ValueSource(strings = {"authorization", "X-Api-Key", "x_tenant.id", "Tenant-7"})
  void tokenHeaderNamesAreAccepted(String name) {
    assertThat(withHeader(name, "Bearer abc")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x api key", "x:key", "key\n", "schlüssel", "a/b"})
  void otherHeaderNamesAreErrorsAtTheirKey(String name) {
    ValidationProblems.assertOneError(
        withHeader(name, "v"), "headers." + name, "is not a valid header name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "content-type",
        "Content-Encoding",
        "CONTENT-LENGTH",
        "grpc-encoding",
        "grpc-accept-encoding",
        "te",
        "Host"
      })
  void headersTheExporterSetsItselfAreErrors(String name) {
    ValidationProblems.assertOneError(
        withHeader(name, "x"), "headers." + name, "is set by the exporter or its transport itself");
  }

  @ParameterizedTest
  @ValueSource(strings = {"connection", "expect", "upgrade"})
  void headersTheJdkHttpClientRestrictsAreErrors(String name) {
    assertThat(withHeader(name, "x")).extracting(Problem::key).containsExactly("headers." + name);
  }

  @Test
  void aValueWithControlCharactersIsAnError() {
    assertThat(withHeader("x-api-key", "a\u0000b")).extracting(Problem::key).hasSize(1);
    assertThat(withHeader("x-api-key", "a\u007fb")).extracting(Problem::key).hasSize(1);
  }

  @Test
  void aGrpcHeaderNameEndingInBinIsAnError() {
    OtlpGrpcExporterConfig grpc = new OtlpGrpcExporterConfig();
    grpc.endpoint = "gateway:4317";
    grpc.headers.put("trace-bin", "abc");

    assertThat(ValidationProblems.of(grpc))
        .extracting(Problem::key)
        .containsExactly("headers.trace-bin");
  }

  @Test
  void aValueOfMoreThanOneLineIsAnError() {
    assertThat(withHeader("x-api-key", "abc\r\nX-Injected: 1"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("headers.x-api-key");
              assertThat(p.message()).contains("one line");
            });
    assertThat(withHeader("x-api-key", "abc\n")).extracting(Problem::key).hasSize(1);
  }

  @Test
  void aMissingValueIsAnError() {
    assertThat(withHeader("x-api-key", null))
        .singleElement()
        .satisfies(p -> assertThat(p.key()).isEqualTo("headers.x-api-key"));
  }

  @Test
  void aBadNameWithABadValueGivesBothErrors() {
    assertThat(withHeader("bad name", "two\nlines"))
        .extracting(Problem::key)
        .containsExactly("headers.bad name", "headers.bad name");
  }

  @Test
  void noHeadersAreFine() {
    OtlpGrpcExporterConfig c = new OtlpGrpcExporterConfig();
    c.endpoint = "gateway:4317";
    c.headers = null;

    assertThat(ValidationProblems.of(c)).isEmpty();
  }

  @Test
  void defaultsAreGzipTlsOnAndNoHeaders() {
    OtlpGrpcExporterConfig c = new OtlpGrpcExporterConfig();

    assertThat(c.compression).isEqualTo(OtlpCompression.GZIP);
    assertThat(c.tls).isNotNull();
    assertThat(c.tls.insecure).isFalse();
    assertThat(c.headers).isEmpty();
  }
}
