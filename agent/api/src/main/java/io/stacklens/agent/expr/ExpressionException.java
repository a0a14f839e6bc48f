package io.stacklens.agent.expr;

/**
 * A condition or field path that cannot be compiled. {@link #column()} is 1-based inside the
 * expression text; {@link #getMessage()} already names it and shows the text with a caret.
 */
public final class ExpressionException extends Exception {
  private final String reason;
  private final String expression;
  private final int column;

  public ExpressionException(String reason, String expression, int column) {
    super(format(reason, expression, column));
    this.reason = reason;
    this.expression = expression;
    this.column = column;
  }

  /** What is wrong, without the position. */
  public String reason() {
    return reason;
  }

  public String expression() {
    return expression;
  }

  /** 1-based column inside {@link #expression()}. */
  public int column() {
    return column;
  }

  private static String format(String reason, String expression, int column) {
    return reason + " at column " + column + " of '" + expression + "'";
  }
}
