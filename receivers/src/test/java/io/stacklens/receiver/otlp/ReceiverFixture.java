package io.stacklens.receiver.otlp;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.CollectingConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** A started {@code otlp} receiver on free ports with a collecting consumer per chosen signal. */
final class ReceiverFixture implements AutoCloseable {
  final MetricsRegistry metrics = new MetricsRegistry();
  final HealthRegistry health = new HealthRegistry();
  final Map<Signal, CollectingConsumer> consumers = new EnumMap<>(Signal.class);
  final OtlpReceiver receiver;

  ReceiverFixture(OtlpReceiverConfig config, Signal... signals) throws Exception {
    Map<Signal, Consumer> wired = new EnumMap<>(Signal.class);
    for (Signal s : signals) {
      CollectingConsumer c = new CollectingConsumer();
      consumers.put(s, c);
      wired.put(s, c);
    }
    ComponentContext context =
        ComponentContext.of(ComponentId.of("otlp"), ComponentKind.RECEIVER, metrics);
    receiver = (OtlpReceiver) new OtlpReceiverFactory().createReceiver(context, config, wired);
    receiver.start(health);
  }

  ReceiverFixture(Signal... signals) throws Exception {
    this(config(), signals);
  }

  /** Both protocols on free ports, small limits so size tests stay fast. */
  static OtlpReceiverConfig config() {
    OtlpReceiverConfig config = new OtlpReceiverConfig();
    config.protocols.grpc.endpoint = "127.0.0.1:0";
    config.protocols.grpc.maxRecvMsgSize = new ByteSize(64 * 1024);
    config.protocols.http.endpoint = "127.0.0.1:0";
    config.protocols.http.maxRequestBodySize = new ByteSize(64 * 1024);
    config.retryAfter = Duration.ofMillis(1500);
    return config;
  }

  CollectingConsumer consumer(Signal signal) {
    return consumers.get(signal);
  }

  long accepted(Signal signal, String transport) {
    return metrics.counterValue(
        ReceiverMetrics.ACCEPTED,
        "receiver",
        "otlp",
        "signal",
        signal.id(),
        "transport",
        transport);
  }

  long refused(Signal signal, String transport, String reason) {
    return metrics.counterValue(
        ReceiverMetrics.REFUSED,
        "receiver",
        "otlp",
        "signal",
        signal.id(),
        "transport",
        transport,
        "reason",
        reason);
  }

  @Override
  public void close() {
    receiver.shutdown(Instant.now().plusSeconds(5));
  }
}
