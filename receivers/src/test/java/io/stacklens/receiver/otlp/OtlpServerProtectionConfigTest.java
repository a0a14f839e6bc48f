package io.stacklens.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.testing.StubFactories;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server protection settings of {@code protocols.grpc} and {@code protocols.http}: defaults,
 * YAML, validation.
 */
class OtlpServerProtectionConfigTest {
  private static LoadResult load(String receiverYaml) {
    String yaml =
        "receivers:\n  otlp:\n"
            + receiverYaml.indent(4)
            + "exporters: { debug: }\n"
            + "service:\n  pipelines:\n    logs: { receivers: [otlp], exporters: [debug] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(new OtlpReceiverFactory(), StubFactories.exporter("debug"));
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  private static OtlpReceiverConfig config(LoadResult r) {
    return (OtlpReceiverConfig)
        r.config().orElseThrow().components(ComponentKind.RECEIVER).get(ComponentId.of("otlp"));
  }

  private static List<String> messages(LoadResult r) {
    return r.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
  }

  @Test
  void defaults() {
    LoadResult r = load("protocols: { grpc: , http: }");
    assertThat(messages(r)).isEmpty();
    OtlpReceiverConfig.GrpcSettings g = config(r).protocols.grpc;
    assertThat(g.maxConcurrentStreams).isEqualTo(100);
    assertThat(g.maxConnections).isEqualTo(1000);
    assertThat(g.maxHeaderListSize).isEqualTo(new ByteSize(16 * 1024));
    assertThat(g.handshakeTimeout).isEqualTo(Duration.ofSeconds(10));
    assertThat(g.readTimeout).isEqualTo(Duration.ofSeconds(30));
    assertThat(g.maxRstFramesPerWindow).isEqualTo(200);
    assertThat(g.rstFramesWindow).isEqualTo(Duration.ofSeconds(10));
    assertThat(g.keepalive.serverParameters.maxConnectionIdle).isEqualTo(Duration.ofMinutes(5));
    assertThat(g.keepalive.serverParameters.maxConnectionAge).isZero();
    assertThat(g.keepalive.serverParameters.maxConnectionAgeGrace).isZero();
    assertThat(g.keepalive.serverParameters.time).isEqualTo(Duration.ofHours(2));
    assertThat(g.keepalive.serverParameters.timeout).isEqualTo(Duration.ofSeconds(20));
    assertThat(g.keepalive.enforcementPolicy.minTime).isEqualTo(Duration.ofMinutes(5));
    assertThat(g.keepalive.enforcementPolicy.permitWithoutStream).isFalse();
    OtlpReceiverConfig.HttpSettings h = config(r).protocols.http;
    assertThat(h.readHeaderTimeout).isEqualTo(Duration.ofSeconds(10));
    assertThat(h.readTimeout).isEqualTo(Duration.ofSeconds(30));
    assertThat(h.idleTimeout).isEqualTo(Duration.ofSeconds(60));
    assertThat(h.maxConnections).isEqualTo(1000);
    assertThat(h.maxHeaderSize).isEqualTo(new ByteSize(16 * 1024));
  }

  @Test
  void bindsEveryOptionFromYaml() {
    LoadResult r =
        load(
            """
        protocols:
          grpc:
            max_concurrent_streams: 50
            max_connections: 200
            max_header_list_size: 8KiB
            handshake_timeout: 5s
            read_timeout: 20s
            max_rst_frames_per_window: 100
            rst_frames_window: 30s
            keepalive:
              server_parameters:
                max_connection_idle: 1m
                max_connection_age: 30m
                max_connection_age_grace: 1m
                time: 1h
                timeout: 10s
              enforcement_policy:
                min_time: 30s
                permit_without_stream: true
          http:
            read_header_timeout: 5s
            read_timeout: 15s
            idle_timeout: 2m
            max_connections: 300
            max_header_size: 32KiB
        """);
    assertThat(messages(r)).isEmpty();
    OtlpReceiverConfig.GrpcSettings g = config(r).protocols.grpc;
    assertThat(g.maxConcurrentStreams).isEqualTo(50);
    assertThat(g.maxConnections).isEqualTo(200);
    assertThat(g.maxHeaderListSize).isEqualTo(new ByteSize(8 * 1024));
    assertThat(g.handshakeTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(g.readTimeout).isEqualTo(Duration.ofSeconds(20));
    assertThat(g.maxRstFramesPerWindow).isEqualTo(100);
    assertThat(g.rstFramesWindow).isEqualTo(Duration.ofSeconds(30));
    assertThat(g.keepalive.serverParameters.maxConnectionIdle).isEqualTo(Duration.ofMinutes(1));
    assertThat(g.keepalive.serverParameters.maxConnectionAge).isEqualTo(Duration.ofMinutes(30));
    assertThat(g.keepalive.serverParameters.maxConnectionAgeGrace).isEqualTo(Duration.ofMinutes(1));
    assertThat(g.keepalive.serverParameters.time).isEqualTo(Duration.ofHours(1));
    assertThat(g.keepalive.serverParameters.timeout).isEqualTo(Duration.ofSeconds(10));
    assertThat(g.keepalive.enforcementPolicy.minTime).isEqualTo(Duration.ofSeconds(30));
    assertThat(g.keepalive.enforcementPolicy.permitWithoutStream).isTrue();
    OtlpReceiverConfig.HttpSettings h = config(r).protocols.http;
    assertThat(h.readHeaderTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(h.readTimeout).isEqualTo(Duration.ofSeconds(15));
    assertThat(h.idleTimeout).isEqualTo(Duration.ofMinutes(2));
    assertThat(h.maxConnections).isEqualTo(300);
    assertThat(h.maxHeaderSize).isEqualTo(new ByteSize(32 * 1024));
  }

  @Test
  void aPartialKeepaliveSectionKeepsTheOtherDefaults() {
    LoadResult r =
        load(
            "protocols:\n  grpc:\n    keepalive:\n      server_parameters: { max_connection_age: 1h }\n");
    assertThat(messages(r)).isEmpty();
    OtlpReceiverConfig.Keepalive k = config(r).protocols.grpc.keepalive;
    assertThat(k.serverParameters.maxConnectionAge).isEqualTo(Duration.ofHours(1));
    assertThat(k.serverParameters.maxConnectionIdle).isEqualTo(Duration.ofMinutes(5));
    assertThat(k.enforcementPolicy.minTime).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void everyProblemNamesItsKey() {
    LoadResult r =
        load(
            """
        protocols:
          grpc:
            max_concurrent_streams: 0
            max_connections: 0
            max_header_list_size: 10
            handshake_timeout: 0s
            read_timeout: 0s
            max_rst_frames_per_window: 0
            rst_frames_window: 1500ms
            keepalive:
              server_parameters: { time: 1s, timeout: 0s }
          http:
            read_header_timeout: 0s
            max_connections: 0
            max_header_size: 100
        """);
    assertThat(messages(r))
        .containsExactlyInAnyOrder(
            "receivers.otlp.protocols.grpc.max_concurrent_streams: must be at least 1, got 0",
            "receivers.otlp.protocols.grpc.max_connections: must be at least 1, got 0",
            "receivers.otlp.protocols.grpc.max_header_list_size: must be between 1KiB and 1MiB, got 10",
            "receivers.otlp.protocols.grpc.handshake_timeout: must be positive, e.g. 10s; got 0s",
            "receivers.otlp.protocols.grpc.read_timeout: must be positive, e.g. 10s; got 0s",
            "receivers.otlp.protocols.grpc.max_rst_frames_per_window: must be at least 1, got 0",
            "receivers.otlp.protocols.grpc.rst_frames_window: must be a whole number of seconds, at least 1s, got 1s500ms",
            "receivers.otlp.protocols.grpc.keepalive.server_parameters.time: must be at least 10s (gRPC raises shorter ones), got 1s",
            "receivers.otlp.protocols.grpc.keepalive.server_parameters.timeout: must be positive, e.g. 10s; got 0s",
            "receivers.otlp.protocols.http.read_header_timeout: must be positive, e.g. 10s; got 0s",
            "receivers.otlp.protocols.http.max_connections: must be at least 1, got 0",
            "receivers.otlp.protocols.http.max_header_size: must be between 1KiB and 1MiB, got 100");
  }
}
