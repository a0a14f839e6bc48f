package io.stacklens.receiver.json;

/**
 * The input is not valid JSON (or not a JSON object where one is needed). The message says what and
 * where; {@link #line()}, {@link #column()} (1-based) and {@link #byteOffset()} (0-based) locate it
 * in the parsed bytes, -1 when unknown.
 */
public final class JsonSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final long byteOffset;

  public JsonSyntaxException(String message, int line, int column, long byteOffset) {
    super(message, null, false, false);
    this.line = line;
    this.column = column;
    this.byteOffset = byteOffset;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public long byteOffset() {
    return byteOffset;
  }
}
