package io.stacklens.agent.expr;

/**
 * A compiled condition over one log record (see {@link Conditions#compile} and docs/conditions.md).
 * Evaluation allocates nothing and never throws: a missing field or a value of another type makes
 * the comparison false.
 */
@FunctionalInterface
public interface Condition {
  Condition ALWAYS = ctx -> true;

  boolean test(LogContext ctx);
}
