package io.stacklens.receiver.kafka;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.time.Instant;
import java.util.Map;

/** A started kafka receiver feeding a {@link CollectingConsumer}, with its own metrics and health. */
final class RunningReceiver implements AutoCloseable {
  final MetricsRegistry metrics = new MetricsRegistry();
  final HealthRegistry health = new HealthRegistry();
  final CollectingConsumer consumer;
  final KafkaReceiver receiver;
  final String id;

  RunningReceiver(KafkaReceiverConfig config, Signal signal, CollectingConsumer consumer, String name) {
    this.consumer = consumer;
    ComponentId componentId = ComponentId.of("kafka", name);
    this.id = componentId.toString();
    ComponentContext context = ComponentContext.of(componentId, ComponentKind.RECEIVER, metrics);
    receiver = new KafkaReceiver(context, config, Map.of(signal, consumer));
    receiver.start(health);
  }

  RunningReceiver(KafkaReceiverConfig config) {
    this(config, Signal.LOGS, new CollectingConsumer(), "test");
  }

  long counter(String name, String... labels) {
    String[] all = new String[labels.length + 2];
    all[0] = "receiver";
    all[1] = id;
    System.arraycopy(labels, 0, all, 2, labels.length);
    return metrics.counterSum(name, all);
  }

  double gauge(String name) {
    return metrics.gaugeValue(name, "receiver", id);
  }

  ComponentStatus status() {
    return health.components().isEmpty() ? null : health.components().get(0).status();
  }

  String statusDetail() {
    return health.components().isEmpty() ? "" : health.components().get(0).detail();
  }

  @Override
  public void close() {
    receiver.shutdown(Instant.now().plusSeconds(10));
  }
}
