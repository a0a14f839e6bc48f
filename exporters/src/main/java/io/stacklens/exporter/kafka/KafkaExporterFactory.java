package io.stacklens.exporter.kafka;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Set;

/** Factory of the {@code kafka} exporter: logs, traces and metrics to Kafka topics. */
public final class KafkaExporterFactory implements ExporterFactory<KafkaExporterConfig> {
  public static final String TYPE = "kafka";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<KafkaExporterConfig> configClass() {
    return KafkaExporterConfig.class;
  }

  @Override
  public KafkaExporterConfig createDefaultConfig() {
    return new KafkaExporterConfig();
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
    return "Sends logs, traces and metrics to Kafka topics as OTLP protobuf, OTLP/JSON or flat JSON records";
  }

  @Override
  public Exporter createExporter(ComponentContext context, KafkaExporterConfig config) {
    return new KafkaExporter(context, config);
  }
}
