package io.stacklens.receiver.json;

/**
 * Why one JSON record was rejected.
 *
 * @param field the JSON field at fault ({@code "timestamp"}, {@code "trace_id"}), or {@code ""}
 *     when the record as a whole is (not an object, not valid JSON)
 * @param message what is wrong, saying what was expected; never a stack trace
 */
public record FieldError(String field, String message) {
  public FieldError {
    field = field == null ? "" : field;
  }

  @Override
  public String toString() {
    return field.isEmpty() ? message : field + ": " + message;
  }
}
