package io.stacklens.receiver.kafka;

/**
 * A message whose value cannot become records: counted with {@link #reason()}, sent to the
 * dead-letter exporter when one is configured, and skipped. Carries no stack trace: bad input is
 * not a bug.
 */
final class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The message has no value (a tombstone). */
  static final String NO_VALUE = "no_value";

  /** The value is not a protobuf message of the expected type. */
  static final String INVALID_PROTOBUF = "invalid_protobuf";

  /** The value is not valid (OTLP/)JSON, or not what the mapping expects. */
  static final String INVALID_JSON = "invalid_json";

  /**
   * Encoding json: a JSON object that does not map to a log record (a required field missing, a bad
   * timestamp, ...).
   */
  static final String INVALID_RECORD = "invalid_record";

  private final String reason;

  DecodeException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /**
   * Metric label and the dead letter's {@code stacklens.error.reason}: {@code no_value}, {@code
   * invalid_protobuf}, {@code invalid_json}, {@code invalid_record}, or a decode limit.
   */
  String reason() {
    return reason;
  }
}
