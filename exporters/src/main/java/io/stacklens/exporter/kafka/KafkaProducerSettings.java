package io.stacklens.exporter.kafka;

import java.util.Properties;

/**
 * The kafka exporter's producer settings, public for the benchmark baseline (same settings, plain
 * producer).
 */
public final class KafkaProducerSettings {
  private KafkaProducerSettings() {}

  /**
   * Our defaults, then the config's {@code producer:} map, then what the exporter's options own.
   */
  public static Properties properties(KafkaExporterConfig config, String clientId) {
    return KafkaExporter.producerProperties(config, clientId);
  }
}
