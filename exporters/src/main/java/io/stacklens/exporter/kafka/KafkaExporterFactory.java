package io.stacklens.exporter.kafka;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.time.Duration;
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

  /**
   * Defaults beyond {@link KafkaExporterConfig}'s own: a 30 s attempt timeout, longer than the
   * producer's 25 s {@code delivery.timeout.ms}, so an attempt normally ends with Kafka's own answer;
   * two sender threads, so one batch is encoded while another waits for acknowledgements.
   */
  @Override
  public KafkaExporterConfig createDefaultConfig() {
    KafkaExporterConfig c = new KafkaExporterConfig();
    c.timeout = Duration.ofSeconds(30);
    c.sendingQueue.numConsumers = 2;
    return c;
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
