package io.stacklens.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.http.Endpoint;
import org.junit.jupiter.api.Test;

class PlaintextWarningTest {
  @Test
  void warnsForTheWildcardAddressNamingEndpointAndKey() {
    String warning =
        ServerTls.plaintextWarning(
            "otlp (grpc)", Endpoint.parse("0.0.0.0:4317"), "protocols.grpc.tls");

    assertThat(warning)
        .isNotNull()
        .startsWith("otlp (grpc)")
        .contains("0.0.0.0:4317")
        .contains("protocols.grpc.tls");
  }

  @Test
  void warnsForAnEmptyHostMeaningEveryInterface() {
    String warning =
        ServerTls.plaintextWarning("otlp (grpc)", Endpoint.parse(":4317"), "protocols.grpc.tls");

    assertThat(warning).isNotNull().contains(":4317").contains("protocols.grpc.tls");
  }

  @Test
  void warnsForTheIpv6Wildcard() {
    assertThat(ServerTls.plaintextWarning("admin", Endpoint.parse("[::]:8888"), "admin.tls"))
        .isNotNull()
        .contains("[::]:8888");
  }

  @Test
  void warnsForAnotherHostsAddress() {
    assertThat(ServerTls.plaintextWarning("admin", Endpoint.parse("192.0.2.10:8888"), "admin.tls"))
        .isNotNull();
  }

  @Test
  void saysNothingForIpv4Loopback() {
    assertThat(
            ServerTls.plaintextWarning(
                "otlp (grpc)", Endpoint.parse("127.0.0.1:4317"), "protocols.grpc.tls"))
        .isNull();
  }

  @Test
  void saysNothingForIpv6Loopback() {
    assertThat(
            ServerTls.plaintextWarning(
                "otlp (grpc)", Endpoint.parse("[::1]:4317"), "protocols.grpc.tls"))
        .isNull();
  }

  @Test
  void saysNothingForLocalhost() {
    assertThat(
            ServerTls.plaintextWarning(
                "otlp (grpc)", Endpoint.parse("localhost:4317"), "protocols.grpc.tls"))
        .isNull();
  }
}
