package io.stacklens.receiver.kafka;

import io.stacklens.agent.api.DeclaredReceiverFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/**
 * Factory of the {@code kafka} receiver: logs (OTLP, JSON or text messages), traces and metrics
 * (OTLP) from Kafka topics.
 */
public final class KafkaReceiverFactory extends DeclaredReceiverFactory<KafkaReceiverConfig> {
  public static final String TYPE = "kafka";

  public KafkaReceiverFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.allOf(Signal.class),
        "Kafka topics, at-least-once: logs (OTLP protobuf/JSON, JSON objects, text), traces and metrics (OTLP)",
        KafkaReceiverConfig::new,
        KafkaReceiver::new);
  }
}
