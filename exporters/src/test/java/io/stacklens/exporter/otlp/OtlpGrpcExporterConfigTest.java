package io.stacklens.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.testing.StubFactories;
import io.stacklens.agent.testing.ValidationProblems;
import io.stacklens.agent.testing.ValidationProblems.Problem;
import io.stacklens.exporter.otlp.OtlpGrpcExporterConfig.GrpcTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code otlp} exporter's endpoint: host:port, or a URL whose scheme says TLS or not. */
class OtlpGrpcExporterConfigTest {
  private static OtlpGrpcExporterConfig config(String endpoint) {
    OtlpGrpcExporterConfig c = new OtlpGrpcExporterConfig();
    c.endpoint = endpoint;
    return c;
  }

  private static GrpcTarget target(String endpoint) {
    return config(endpoint).target();
  }

  private static LoadResult load(String exporterYaml) {
    String yaml =
        "receivers:\n  otlp: {}\nexporters:\n  otlp:\n"
            + exporterYaml.indent(4)
            + "service:\n  pipelines:\n    logs: { receivers: [otlp], exporters: [otlp] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(StubFactories.receiver("otlp"), new OtlpGrpcExporterFactory());
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  // target()

  @Test
  void hostAndPortSpeakTlsByDefault() {
    assertThat(target("gateway.example:4317"))
        .isEqualTo(new GrpcTarget("gateway.example", 4317, true));
  }

  @Test
  void surroundingBlanksAreIgnored() {
    assertThat(target("  gateway:4317 ")).isEqualTo(new GrpcTarget("gateway", 4317, true));
  }

  @Test
  void anHttpUrlMeansPlaintext() {
    assertThat(target("http://gateway:4317")).isEqualTo(new GrpcTarget("gateway", 4317, false));
  }

  @Test
  void anHttpsUrlMeansTls() {
    assertThat(target("https://gateway:4317")).isEqualTo(new GrpcTarget("gateway", 4317, true));
    assertThat(target("https://gateway:4317/")).isEqualTo(new GrpcTarget("gateway", 4317, true));
  }

  @Test
  void tlsInsecureTurnsTlsOffForEveryForm() {
    for (String endpoint : List.of("gateway:4317", "https://gateway:4317", "http://gateway:4317")) {
      OtlpGrpcExporterConfig c = config(endpoint);
      c.tls.insecure = true;
      assertThat(c.target().tls()).as(endpoint).isFalse();
    }
  }

  @Test
  void aBracketedIpv6HostLosesItsBracketsAndGetsThemBackWhenShown() {
    GrpcTarget target = target("[::1]:4317");

    assertThat(target).isEqualTo(new GrpcTarget("::1", 4317, true));
    assertThat(target.toString()).isEqualTo("[::1]:4317");
  }

  @Test
  void anIpv6UrlKeepsItsPortAndScheme() {
    GrpcTarget target = target("http://[::1]:4317");

    assertThat(target.port()).isEqualTo(4317);
    assertThat(target.tls()).isFalse();
    assertThat(target.host()).contains("::1");
  }

  @Test
  void theTargetIsShownAsHostColonPort() {
    assertThat(target("gateway:4317").toString()).isEqualTo("gateway:4317");
  }

  @Test
  void hostWithoutPortIsRefused() {
    assertThatThrownBy(() -> target("gateway"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a port");
  }

  @Test
  void aPortThatIsNoNumberIsRefused() {
    assertThatThrownBy(() -> target("gateway:grpc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the port is not a number");
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> target("gateway:0")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> target("gateway:65536")).hasMessageContaining("1..65535");
  }

  @Test
  void aUrlWithAnotherSchemeIsRefused() {
    assertThatThrownBy(() -> target("grpc://gateway:4317"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheme must be http or https");
  }

  @Test
  void aUrlWithoutPortIsRefused() {
    assertThatThrownBy(() -> target("https://gateway"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a host and a port");
  }

  @Test
  void aUrlWithAPathIsRefusedNamingThePath() {
    assertThatThrownBy(() -> target("https://gateway:4317/v1/logs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gRPC takes no path")
        .hasMessageContaining("'/v1/logs'");
  }

  @Test
  void somethingThatIsNoUrlIsRefused() {
    assertThatThrownBy(() -> target("https://gate way:4317"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a URL");
  }

  @Test
  void anIpv6UrlHostLosesItsBracketsLikeTheHostPortForm() {
    GrpcTarget target = target("http://[::1]:4317");

    assertThat(target).isEqualTo(new GrpcTarget("::1", 4317, false));
    assertThat(target.toString()).isEqualTo("[::1]:4317");
  }

  @Test
  void aUrlPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> target("https://gateway:70000")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> target("http://gateway:0")).hasMessageContaining("1..65535");
  }

  @Test
  void anIpv6AddressWithoutBracketsIsRefused() {
    assertThatThrownBy(() -> target("::1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> target("fe80::1")).isInstanceOf(IllegalArgumentException.class);
  }

  // validate()

  @Test
  void aHostAndPortAloneIsValid() {
    assertThat(ValidationProblems.of(config("gateway:4317"))).isEmpty();
  }

  @Test
  void theEndpointIsRequired() {
    ValidationProblems.assertOneError(
        ValidationProblems.of(config(null)), "endpoint", "is required");
    assertThat(ValidationProblems.of(config("  ")))
        .extracting(Problem::key)
        .containsExactly("endpoint");
  }

  @Test
  void aBadEndpointIsAnErrorAtEndpoint() {
    ValidationProblems.assertOneError(
        ValidationProblems.of(config("gateway")), "endpoint", "needs a port");
  }

  @Test
  void tlsFilesWithAnHttpEndpointAreAWarning() {
    OtlpGrpcExporterConfig c = config("http://gateway:4317");
    c.tls.caFile = "/etc/stacklens/ca.pem";

    assertThat(ValidationProblems.of(c))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.error()).isFalse();
              assertThat(p.key()).isEqualTo("endpoint");
              assertThat(p.message()).contains("http://").contains("no TLS");
            });
  }

  @Test
  void aMissingCompressionOrTlsIsAnError() {
    OtlpGrpcExporterConfig c = config("gateway:4317");
    c.compression = null;
    c.tls = null;

    assertThat(ValidationProblems.of(c))
        .extracting(Problem::error, Problem::key)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(true, "compression"),
            org.assertj.core.groups.Tuple.tuple(true, "tls"));
  }

  // As a user writes it

  @Test
  void loadsTheCollectorsShape() {
    LoadResult r =
        load(
            "endpoint: gateway:4317\n"
                + "tls: { insecure: true }\n"
                + "headers: { x-api-key: abc }\n"
                + "compression: zstd\n"
                + "timeout: 3s\n");

    assertThat(r.errors()).isEmpty();
    OtlpGrpcExporterConfig c =
        (OtlpGrpcExporterConfig)
            r.config()
                .orElseThrow()
                .components(ComponentKind.EXPORTER)
                .get(ComponentId.parse("otlp"));
    assertThat(c.target()).isEqualTo(new GrpcTarget("gateway", 4317, false));
    assertThat(c.headers).containsExactly(Map.entry("x-api-key", "abc"));
    assertThat(c.compression).isEqualTo(OtlpCompression.ZSTD);
  }

  @Test
  void compressionDefaultsToGzip() {
    assertThat(new OtlpGrpcExporterConfig().compression).isEqualTo(OtlpCompression.GZIP);
  }

  @Test
  void problemsAreReportedAtTheirFullYamlKeys() {
    List<String> errors =
        load("endpoint: gateway\ntls: { min_version: \"1.1\" }\nheaders: { content-type: x }\n")
            .errors()
            .stream()
            .map(ConfigProblem::path)
            .toList();

    assertThat(errors)
        .containsExactlyInAnyOrder(
            "exporters.otlp.endpoint",
            "exporters.otlp.tls.min_version",
            "exporters.otlp.headers.content-type");
  }
}
