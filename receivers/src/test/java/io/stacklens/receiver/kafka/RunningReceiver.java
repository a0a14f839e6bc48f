package io.stacklens.receiver.kafka;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ReceiverDeadLetters;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.CollectingConsumer;
import java.time.Instant;
import java.util.Map;

/**
 * A started kafka receiver feeding a {@link CollectingConsumer}, with its own metrics and health,
 * and the dead-letter exporter {@link DeadLetterExporter#ID} when the test gives one (as the
 * service does).
 */
final class RunningReceiver implements AutoCloseable {
  final MetricsRegistry metrics = new MetricsRegistry();
  final HealthRegistry health = new HealthRegistry();
  final CollectingConsumer consumer;
  final KafkaReceiver receiver;
  final String id;

  RunningReceiver(
      KafkaReceiverConfig config, Signal signal, CollectingConsumer consumer, String name) {
    this(config, signal, consumer, name, null);
  }

  RunningReceiver(
      KafkaReceiverConfig config,
      Signal signal,
      CollectingConsumer consumer,
      String name,
      DeadLetterExporter dlq) {
    this.consumer = consumer;
    ComponentId componentId = ComponentId.of("kafka", name);
    this.id = componentId.toString();
    ComponentContext context = ComponentContext.of(componentId, ComponentKind.RECEIVER, metrics);
    receiver = new KafkaReceiver(context, config, Map.of(signal, consumer));
    receiver.start(
        new Host() {
          @Override
          public void reportStatus(
              ComponentId component, ComponentKind kind, ComponentStatus status, String detail) {
            health.reportStatus(component, kind, status, detail);
          }

          @Override
          public DeadLetters deadLetters(ComponentId receiver, ComponentId exporter) {
            if (dlq == null || !exporter.equals(DeadLetterExporter.ID)) {
              throw new IllegalArgumentException("no exporter " + exporter);
            }
            return new ReceiverDeadLetters(
                receiver, dlq.runner, metrics, MemoryLimiter.unlimited());
          }
        });
  }

  RunningReceiver(KafkaReceiverConfig config) {
    this(config, Signal.LOGS, new CollectingConsumer(), "test");
  }

  /** A receiver named kafka/test whose {@code dead_letter.exporter} is {@code dlq}. */
  RunningReceiver(KafkaReceiverConfig config, DeadLetterExporter dlq) {
    this(withDeadLetter(config), Signal.LOGS, new CollectingConsumer(), "test", dlq);
  }

  private static KafkaReceiverConfig withDeadLetter(KafkaReceiverConfig config) {
    config.deadLetter.exporter = DeadLetterExporter.ID.toString();
    return config;
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
