package io.stacklens.agent.expr;

import java.util.List;
import java.util.regex.Pattern;

/** The compiled forms of conditions: small immutable nodes, evaluated without allocation. */
final class ConditionNodes {
  private ConditionNodes() {}

  /** Something that yields a value for a record: a field or a literal. */
  interface Operand {
    Object value(LogContext ctx);
  }

  record Field(FieldPath path) implements Operand {
    @Override
    public Object value(LogContext ctx) {
      return path.get(ctx);
    }
  }

  record Literal(Object value) implements Operand {
    @Override
    public Object value(LogContext ctx) {
      return value;
    }
  }

  record And(Condition left, Condition right) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      return left.test(ctx) && right.test(ctx);
    }
  }

  record Or(Condition left, Condition right) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      return left.test(ctx) || right.test(ctx);
    }
  }

  record Not(Condition inner) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      return !inner.test(ctx);
    }
  }

  record Constant(boolean value) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      return value;
    }
  }

  enum Op {
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    /** The same comparison with its operands swapped ({@code 5 < x} is {@code x > 5}). */
    Op flipped() {
      return switch (this) {
        case LT -> GT;
        case LE -> GE;
        case GT -> LT;
        case GE -> LE;
        default -> this;
      };
    }
  }

  /**
   * {@code a OP b}. An absent value equals only {@code null}; {@code !=} is true when the values
   * differ, absent included; ordering needs two numbers or two strings, else it is false.
   */
  record Compare(Operand left, Op op, Operand right) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      Object a = left.value(ctx);
      Object b = right.value(ctx);
      switch (op) {
        case EQ:
          return Values.equal(a, b);
        case NE:
          return !Values.equal(a, b);
        default:
          int c = Values.compare(a, b);
          if (c == Values.INCOMPARABLE) return false;
          return switch (op) {
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            default -> c >= 0;
          };
      }
    }
  }

  /** {@code field exists}: present and not empty; an int field exists when it is not 0. */
  record Exists(FieldPath path) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      Object v = path.get(ctx);
      if (v == null) return false;
      if (path.type() == FieldPath.Type.INT) return ((Long) v) != 0L;
      return true;
    }
  }

  /** {@code x matches "regex"}: the regex is found anywhere in the text (anchor with ^ and $). */
  record Matches(Operand operand, Pattern pattern) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      String s = Values.text(operand.value(ctx));
      return s != null && pattern.matcher(s).find();
    }
  }

  enum TextOp {
    CONTAINS,
    STARTS_WITH,
    ENDS_WITH
  }

  /**
   * {@code contains} / {@code starts_with} / {@code ends_with}; {@code contains} on an array looks
   * for an element.
   */
  record Text(Operand operand, TextOp op, String needle) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      Object v = operand.value(ctx);
      if (op == TextOp.CONTAINS && v instanceof List<?> list) {
        for (Object e : list) {
          if (Values.equal(e, needle)) return true;
        }
        return false;
      }
      String s = Values.text(v);
      if (s == null) return false;
      return switch (op) {
        case CONTAINS -> s.contains(needle);
        case STARTS_WITH -> s.startsWith(needle);
        case ENDS_WITH -> s.endsWith(needle);
      };
    }
  }

  /** {@code x in [a, b, c]}. */
  record In(Operand operand, Object[] candidates) implements Condition {
    @Override
    public boolean test(LogContext ctx) {
      Object v = operand.value(ctx);
      for (Object c : candidates) {
        if (Values.equal(v, c)) return true;
      }
      return false;
    }
  }
}
