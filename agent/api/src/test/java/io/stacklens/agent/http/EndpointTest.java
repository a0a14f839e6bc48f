package io.stacklens.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {
  @Test
  void parsesHostAndPort() {
    assertThat(Endpoint.parse("127.0.0.1:4318")).isEqualTo(new Endpoint("127.0.0.1", 4318));
    assertThat(Endpoint.parse("[::1]:8888")).isEqualTo(new Endpoint("::1", 8888));
    assertThat(Endpoint.parse("[::1]:8888").toString()).isEqualTo("[::1]:8888");
  }

  @Test
  void emptyHostMeansEveryInterface() {
    assertThat(Endpoint.parse(":4317").host()).isEqualTo("0.0.0.0");
  }

  @Test
  void rejectsMissingOrInvalidPortWithAReadableMessage() {
    assertThatThrownBy(() -> Endpoint.parse("localhost")).hasMessageContaining("has no port");
    assertThatThrownBy(() -> Endpoint.parse("localhost:http"))
        .hasMessageContaining("port 'http' is not a number");
    assertThatThrownBy(() -> Endpoint.parse("localhost:70000")).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> Endpoint.parse("::1:80")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> Endpoint.parse(" ")).hasMessageContaining("must not be empty");
  }
}
