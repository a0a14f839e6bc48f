package io.stacklens.exporter.kafka;

import io.stacklens.agent.api.DeclaredExporterFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code kafka} exporter: logs, traces and metrics to Kafka topics. */
public final class KafkaExporterFactory extends DeclaredExporterFactory<KafkaExporterConfig> {
  public static final String TYPE = "kafka";

  public KafkaExporterFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.allOf(Signal.class),
        "Sends logs, traces and metrics to Kafka topics as OTLP protobuf, OTLP/JSON or flat JSON records",
        KafkaExporterConfig::new,
        KafkaExporter::new);
  }
}
