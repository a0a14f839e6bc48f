package io.stacklens.agent.expr;

import io.stacklens.agent.api.ConfigProblems;

/**
 * Compiles conditions (grammar in docs/conditions.md) and reports their errors during config
 * validation.
 */
public final class Conditions {
  private Conditions() {}

  /**
   * Compiles {@code text}, regexes included. Syntax and type errors carry the column inside the
   * text.
   */
  public static Condition compile(String text) throws ExpressionException {
    return new ConditionParser(text).parse();
  }

  /**
   * For {@code ComponentConfig.validate}: compiles {@code text} and reports an error at {@code
   * path} if it does not compile (the message names the column inside the expression). A null or
   * blank condition is reported as missing when {@code required}. Returns true when it compiled.
   */
  public static boolean check(ConfigProblems problems, String path, String text, boolean required) {
    if (text == null || text.isBlank()) {
      if (required) problems.error(path, "a condition is required");
      return !required;
    }
    try {
      compile(text);
      return true;
    } catch (ExpressionException e) {
      problems.error(path, e.getMessage());
      return false;
    }
  }

  /** For factories, after validation passed: compiles or throws IllegalArgumentException. */
  public static Condition compileValidated(String text) {
    if (text == null || text.isBlank()) return Condition.ALWAYS;
    try {
      return compile(text);
    } catch (ExpressionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Same as {@link #check} for a field path setting. */
  public static boolean checkField(
      ConfigProblems problems, String path, String text, boolean required) {
    if (text == null || text.isBlank()) {
      if (required)
        problems.error(
            path, "a field is required (e.g. body, attributes[\"key\"] or a bare attribute name)");
      return !required;
    }
    try {
      FieldPath.parse(text);
      return true;
    } catch (ExpressionException e) {
      problems.error(path, e.getMessage());
      return false;
    }
  }

  /**
   * For factories, after validation passed: parses a field path or throws IllegalArgumentException.
   */
  public static FieldPath fieldValidated(String text) {
    try {
      return FieldPath.parse(text);
    } catch (ExpressionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
