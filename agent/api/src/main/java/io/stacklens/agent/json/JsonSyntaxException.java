package io.stacklens.agent.json;

/**
 * The input is not valid JSON, not the value expected (an object where one is needed), or nested
 * deeper than the reader allows. The message says what and where ({@code invalid JSON at line 2,
 * column 7 (byte 14): ...}); {@link #line()} and {@link #column()} (1-based) and {@link
 * #byteOffset()} or {@link #charOffset()} (0-based: bytes for byte input, characters for text
 * input) locate it, -1 when unknown.
 */
public final class JsonSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final int line;
  private final int column;
  private final long byteOffset;
  private final long charOffset;

  /**
   * An error in byte input.
   *
   * @param reason what is wrong, without the location ("unexpected character '}'...")
   */
  public JsonSyntaxException(String reason, int line, int column, long byteOffset) {
    this(reason, line, column, byteOffset, -1);
  }

  /**
   * An error at {@code byteOffset} (byte input) or {@code charOffset} (text input); the other is
   * -1.
   */
  public JsonSyntaxException(
      String reason, int line, int column, long byteOffset, long charOffset) {
    super(message(reason, line, column, byteOffset, charOffset), null, false, false);
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.byteOffset = byteOffset;
    this.charOffset = charOffset;
  }

  private static String message(
      String reason, int line, int column, long byteOffset, long charOffset) {
    if (line < 0) return "invalid JSON: " + reason;
    String offset =
        byteOffset >= 0
            ? " (byte " + byteOffset + ")"
            : charOffset >= 0 ? " (character " + charOffset + ")" : "";
    return "invalid JSON at line " + line + ", column " + column + offset + ": " + reason;
  }

  /** What is wrong, without the location. */
  public String reason() {
    return reason;
  }

  /** The 1-based line, or -1. */
  public int line() {
    return line;
  }

  /** The 1-based column, or -1. */
  public int column() {
    return column;
  }

  /** The 0-based byte offset in byte input, or -1. */
  public long byteOffset() {
    return byteOffset;
  }

  /** The 0-based character offset in text input, or -1. */
  public long charOffset() {
    return charOffset;
  }

  /** The byte offset, else the character offset, else 0: where in the input, in its own units. */
  public long offset() {
    return byteOffset >= 0 ? byteOffset : Math.max(0, charOffset);
  }
}
