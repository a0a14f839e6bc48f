package io.stacklens.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.config.ConfigValidator;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtlpReceiverConfigTest {
  private static List<String> problems(OtlpReceiverConfig config) {
    return ConfigValidator.problemsOf(config);
  }

  @Test
  void defaultsServeBothProtocolsOnLocalhost() {
    OtlpReceiverConfig config = new OtlpReceiverFactory().createDefaultConfig();
    assertThat(config.protocols.grpc.endpoint).isEqualTo("127.0.0.1:4317");
    assertThat(config.protocols.grpc.maxRecvMsgSize).isEqualTo(ByteSize.ofMebibytes(8));
    assertThat(config.protocols.http.endpoint).isEqualTo("127.0.0.1:4318");
    assertThat(config.protocols.http.maxRequestBodySize).isEqualTo(ByteSize.ofMebibytes(8));
    assertThat(config.retryAfter).isEqualTo(Duration.ofMillis(100));
    assertThat(problems(config)).isEmpty();
  }

  @Test
  void aProtocolsSectionWithoutAnyProtocolIsAnError() {
    OtlpReceiverConfig config = new OtlpReceiverConfig();
    config.protocols = new OtlpReceiverConfig.Protocols();
    assertThat(problems(config))
        .containsExactly("protocols: enable at least one protocol: grpc or http");
  }

  @Test
  void reportsEveryProblemWithItsYamlPath() {
    OtlpReceiverConfig config = new OtlpReceiverConfig();
    config.protocols.grpc.endpoint = "localhost";
    config.protocols.grpc.maxRecvMsgSize = new ByteSize(0);
    config.protocols.http.endpoint = "localhost:port";
    config.protocols.http.maxRequestBodySize = ByteSize.parse("3GiB");
    config.retryAfter = Duration.ofSeconds(-1);
    assertThat(problems(config))
        .containsExactlyInAnyOrder(
            "protocols.grpc.endpoint: 'localhost' has no port; expected host:port, e.g. 127.0.0.1:4318",
            "protocols.grpc.max_recv_msg_size: must be between 1 byte and 2GiB, got 0",
            "protocols.http.endpoint: 'localhost:port': port 'port' is not a number",
            "protocols.http.max_request_body_size: must be between 1 byte and 2GiB, got 3GiB",
            "retry_after: must be zero or positive, got -1s");
  }

  @Test
  void factoryIsFoundByServiceLoaderAndDescribesTheReceiver() {
    Factory<?> factory =
        ServiceLoader.load(Factory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.kind() == ComponentKind.RECEIVER && f.type().equals("otlp"))
            .findFirst()
            .orElseThrow();
    assertThat(factory).isInstanceOf(OtlpReceiverFactory.class);
    assertThat(factory.signals()).isEqualTo(EnumSet.allOf(Signal.class));
    assertThat(factory.stability()).isEqualTo(Stability.BETA);
    assertThat(factory.configClass()).isEqualTo(OtlpReceiverConfig.class);
  }

  @Test
  void onlyConfiguredProtocolsAreServed() throws Exception {
    OtlpReceiverConfig config = ReceiverFixture.config();
    config.protocols.grpc = null;
    try (ReceiverFixture fixture = new ReceiverFixture(config, Signal.LOGS)) {
      assertThat(fixture.receiver.grpcPort()).isEqualTo(-1);
      assertThat(fixture.receiver.httpPort()).isPositive();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grpc", "http"})
  void startFailsNamingTheEndpointSettingWhenThePortIsTaken(String protocol) throws Exception {
    try (ServerSocket taken =
        new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      OtlpReceiverConfig config = ReceiverFixture.config();
      String endpoint = "127.0.0.1:" + taken.getLocalPort();
      if (protocol.equals("grpc")) config.protocols.grpc.endpoint = endpoint;
      else config.protocols.http.endpoint = endpoint;
      HealthRegistry health = new HealthRegistry();
      OtlpReceiver receiver =
          (OtlpReceiver)
              new OtlpReceiverFactory()
                  .createReceiver(
                      ComponentContext.of(
                          ComponentId.of("otlp"), ComponentKind.RECEIVER, new MetricsRegistry()),
                      config,
                      Map.of());
      assertThatThrownBy(() -> receiver.start(health))
          .isInstanceOfSatisfying(
              StartException.class,
              e -> assertThat(e.key()).isEqualTo("protocols." + protocol + ".endpoint"))
          .hasMessage(
              "cannot listen on "
                  + endpoint
                  + ": address already in use; stop what uses port "
                  + taken.getLocalPort()
                  + " (another agent?), or choose another port");
      assertThat(health.components().get(0).status())
          .isEqualTo(io.stacklens.agent.api.ComponentStatus.FAILED);
      receiver.shutdown(Instant.now().plusSeconds(1));
    }
  }
}
