package io.stacklens.exporter.kafka;

/** How the {@code kafka} exporter encodes message values. */
public enum KafkaEncoding {
  /**
   * One OTLP {@code Export*ServiceRequest} in protobuf per message, split to fit {@code
   * max_message_bytes}.
   */
  OTLP_PROTO,
  /** The same requests in OTLP/JSON. */
  OTLP_JSON,
  /**
   * One flat JSON object per record (the file exporter's {@code json_lines} line), one record per
   * message.
   */
  JSON,
  /**
   * Logs only, one record per message, written back as the message it describes: value = the body
   * (bytes as they are, text as UTF-8, anything else as JSON), key = the {@code
   * messaging.kafka.message.key} attribute, headers = the other record attributes and the resource
   * attributes. What the kafka receiver's dead letters hold.
   */
  RAW;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
