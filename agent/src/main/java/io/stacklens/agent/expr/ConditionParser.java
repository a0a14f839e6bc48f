package io.stacklens.agent.expr;

/** Recursive-descent parser from condition text to an evaluation tree. */
final class ConditionParser {
  private final String text;

  ConditionParser(String text) {
    this.text = text;
  }

  Condition parse() throws ExpressionException {
    throw new ExpressionException("conditions are not implemented yet", text, 1);
  }
}
