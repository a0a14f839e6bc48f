package io.stacklens.exporter.kafka;

/** How the {@code kafka} exporter encodes message values. */
public enum KafkaEncoding {
  /** One OTLP {@code Export*ServiceRequest} in protobuf per message, split to fit {@code max_message_bytes}. */
  OTLP_PROTO,
  /** The same requests in OTLP/JSON. */
  OTLP_JSON,
  /** One flat JSON object per record (the file exporter's {@code json_lines} line), one record per message. */
  JSON;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
