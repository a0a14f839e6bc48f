package io.stacklens.agent.limits;

/**
 * One record crossed a record-level limit (attributes, nesting depth, value size): the decoder
 * skips the rest of that record without materialising it and counts it as rejected ({@link
 * DecodeBudget#rejectRecord}); the other records of the request go on. Thrown without a stack
 * trace, and only on violations.
 */
public final class RecordLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  public RecordLimitException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /**
   * The metric {@code reason} label: {@code max_attributes_per_record}, {@code max_nesting_depth},
   * {@code max_value_size}.
   */
  public String reason() {
    return reason;
  }
}
