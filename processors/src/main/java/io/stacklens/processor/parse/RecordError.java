package io.stacklens.processor.parse;

/**
 * Why one record failed a step, as the text of {@code parse.error}: the step, the field, what was
 * expected. Thrown only on the error path, without a stack trace (it is data, not a bug).
 */
final class RecordError extends Exception {
  RecordError(String message) {
    super(message, null, false, false);
  }

  /** A value shown in a message: quoted, cut to 64 characters. */
  static String show(Object value) {
    if (value instanceof String s) {
      String cut = s.length() > 64 ? s.substring(0, 61) + "..." : s;
      return "\"" + cut.replace("\n", "\\n") + "\"";
    }
    return String.valueOf(value);
  }
}
