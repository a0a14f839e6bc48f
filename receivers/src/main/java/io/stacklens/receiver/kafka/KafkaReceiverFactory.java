package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Factory of the {@code kafka} receiver: logs (OTLP, JSON or text messages), traces and metrics (OTLP) from Kafka topics. */
public final class KafkaReceiverFactory implements ReceiverFactory<KafkaReceiverConfig> {
  public static final String TYPE = "kafka";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<KafkaReceiverConfig> configClass() {
    return KafkaReceiverConfig.class;
  }

  @Override
  public KafkaReceiverConfig createDefaultConfig() {
    return new KafkaReceiverConfig();
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public String description() {
    return "Kafka topics, at-least-once: logs (OTLP protobuf/JSON, JSON objects, text), traces and metrics (OTLP)";
  }

  @Override
  public Receiver createReceiver(ComponentContext context, KafkaReceiverConfig config, Map<Signal, Consumer> consumers) {
    return new KafkaReceiver(context, config, consumers);
  }
}
