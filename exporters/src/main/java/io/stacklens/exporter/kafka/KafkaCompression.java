package io.stacklens.exporter.kafka;

/** The producer's {@code compression.type}. */
public enum KafkaCompression {
  NONE,
  GZIP,
  SNAPPY,
  LZ4,
  ZSTD;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
