package io.stacklens.receiver.json;

/**
 * The input is not valid JSON (or not a JSON object where one is needed). The message says what and
 * where ({@code invalid JSON at line 2, column 7 (byte 14): ...}); {@link #line()}, {@link #column()} (1-based) and {@link #byteOffset()} (0-based) locate it
 * in the parsed bytes, -1 when unknown.
 */
public final class JsonSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final int line;
  private final int column;
  private final long byteOffset;

  /**
   * @param reason what is wrong, without the location ("Unexpected character ('}')...")
   */
  public JsonSyntaxException(String reason, int line, int column, long byteOffset) {
    super(line < 0 ? "invalid JSON: " + reason
        : "invalid JSON at line " + line + ", column " + column + " (byte " + byteOffset + "): " + reason, null, false, false);
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.byteOffset = byteOffset;
  }

  /** What is wrong, without the location. */
  public String reason() {
    return reason;
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
