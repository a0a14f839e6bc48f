package io.stacklens.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlaintextWarningTest {
  @Test
  void warnsForTheWildcardAddressNamingEndpointAndKey() {
    String warning =
        Endpoint.parse("0.0.0.0:4317").plaintextWarning("otlp (grpc)", "protocols.grpc.tls");

    assertThat(warning)
        .isNotNull()
        .startsWith("otlp (grpc)")
        .contains("0.0.0.0:4317")
        .contains("protocols.grpc.tls");
  }

  @Test
  void warnsForAnEmptyHostMeaningEveryInterface() {
    String warning = Endpoint.parse(":4317").plaintextWarning("otlp (grpc)", "protocols.grpc.tls");

    assertThat(warning).isNotNull().contains(":4317").contains("protocols.grpc.tls");
  }

  @Test
  void warnsForTheIpv6Wildcard() {
    assertThat(Endpoint.parse("[::]:8888").plaintextWarning("admin", "admin.tls"))
        .isNotNull()
        .contains("[::]:8888");
  }

  @Test
  void warnsForAnotherHostsAddress() {
    assertThat(Endpoint.parse("192.0.2.10:8888").plaintextWarning("admin", "admin.tls"))
        .isNotNull();
  }

  @Test
  void saysNothingForIpv4Loopback() {
    assertThat(
            Endpoint.parse("127.0.0.1:4317").plaintextWarning("otlp (grpc)", "protocols.grpc.tls"))
        .isNull();
  }

  @Test
  void saysNothingForIpv6Loopback() {
    assertThat(Endpoint.parse("[::1]:4317").plaintextWarning("otlp (grpc)", "protocols.grpc.tls"))
        .isNull();
  }

  @Test
  void saysNothingForLocalhost() {
    assertThat(
            Endpoint.parse("localhost:4317").plaintextWarning("otlp (grpc)", "protocols.grpc.tls"))
        .isNull();
  }
}
