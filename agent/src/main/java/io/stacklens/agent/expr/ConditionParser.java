package io.stacklens.agent.expr;

import io.stacklens.agent.expr.ConditionNodes.Compare;
import io.stacklens.agent.expr.ConditionNodes.Field;
import io.stacklens.agent.expr.ConditionNodes.Literal;
import io.stacklens.agent.expr.ConditionNodes.Op;
import io.stacklens.agent.expr.ConditionNodes.Operand;
import io.stacklens.agent.expr.ConditionNodes.TextOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser from condition text to {@link ConditionNodes}. Grammar (docs/conditions.md):
 *
 * <pre>
 *   condition  := or
 *   or         := and ( ("or" | "||") and )*
 *   and        := unary ( ("and" | "&&") unary )*
 *   unary      := ("not" | "!") unary | "(" condition ")" | "true" | "false" | test
 *   test       := operand ( cmp operand | "exists" | "not" "exists" | "matches" string
 *                         | ("contains" | "starts_with" | "ends_with") string
 *                         | ["not"] "in" "[" literal ("," literal)* "]" )
 *   cmp        := "==" | "!=" | "<" | "<=" | ">" | ">="
 *   operand    := field | literal
 *   literal    := string | int | double | "true" | "false" | "null" | severity name (TRACE .. FATAL4)
 * </pre>
 *
 * Every error names the column inside the text where it was found.
 */
final class ConditionParser {
  private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "exists", "matches", "contains",
      "starts_with", "ends_with", "in", "true", "false", "null");

  private final String text;
  private int pos;

  ConditionParser(String text) {
    this.text = text;
  }

  Condition parse() throws ExpressionException {
    if (text == null || text.isBlank()) throw error("the condition is empty", 0);
    Condition c = or();
    skip();
    if (pos < text.length()) {
      String next = peekWord();
      throw error(next.isEmpty() ? "unexpected '" + text.charAt(pos) + "'"
          : "unexpected '" + next + "'; join conditions with and / or", pos);
    }
    return c;
  }

  // ---- boolean structure

  private Condition or() throws ExpressionException {
    Condition left = and();
    while (acceptWord("or") || acceptSymbol("||")) {
      left = new ConditionNodes.Or(left, and());
    }
    return left;
  }

  private Condition and() throws ExpressionException {
    Condition left = unary();
    while (acceptWord("and") || acceptSymbol("&&")) {
      left = new ConditionNodes.And(left, unary());
    }
    return left;
  }

  private Condition unary() throws ExpressionException {
    skip();
    if (acceptWord("not") || acceptBang()) return new ConditionNodes.Not(unary());
    if (acceptSymbol("(")) {
      int open = pos - 1;
      Condition inner = or();
      skip();
      if (!acceptSymbol(")")) {
        throw error(pos >= text.length() ? "missing ')' to close the '(' at column " + (open + 1)
            : "expected ')' to close the '(' at column " + (open + 1), pos);
      }
      return inner;
    }
    return test();
  }

  // ---- tests

  private Condition test() throws ExpressionException {
    skip();
    if (pos >= text.length()) throw error("expected a condition", pos);
    int start = pos;
    Typed left = operand();
    skip();
    int opAt = pos;
    Op op = comparison();
    if (op != null) {
      skip();
      if (pos >= text.length()) throw error("expected a value after '" + op.symbol + "'", pos);
      int rightAt = pos;
      Typed right = operand();
      checkComparable(left, op, right, rightAt);
      if (left.operand instanceof Literal && right.operand instanceof Field) {
        return new Compare(right.operand, op.flipped(), left.operand);
      }
      return new Compare(left.operand, op, right.operand);
    }
    String word = peekWord();
    switch (word) {
      case "exists" -> {
        pos += word.length();
        return new ConditionNodes.Exists(requireField(left, "exists", start));
      }
      case "not" -> {
        pos += word.length();
        skip();
        String after = peekWord();
        if (after.equals("exists")) {
          pos += after.length();
          return new ConditionNodes.Not(new ConditionNodes.Exists(requireField(left, "not exists", start)));
        }
        if (after.equals("in")) {
          pos += after.length();
          return new ConditionNodes.Not(in(left));
        }
        throw error("expected 'exists' or 'in' after 'not'", pos);
      }
      case "matches" -> {
        pos += word.length();
        requireText(left, "matches", start);
        skip();
        int at = pos;
        String regex = stringArgument("matches");
        try {
          return new ConditionNodes.Matches(left.operand, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
          throw error("invalid regular expression: " + e.getDescription()
              + (e.getIndex() >= 0 ? " near index " + e.getIndex() + " of the pattern" : ""), at);
        }
      }
      case "contains", "starts_with", "ends_with" -> {
        pos += word.length();
        requireText(left, word, start);
        skip();
        String needle = stringArgument(word);
        TextOp textOp = switch (word) {
          case "contains" -> TextOp.CONTAINS;
          case "starts_with" -> TextOp.STARTS_WITH;
          default -> TextOp.ENDS_WITH;
        };
        return new ConditionNodes.Text(left.operand, textOp, needle);
      }
      case "in" -> {
        pos += word.length();
        return in(left);
      }
      default -> {
        if (left.operand instanceof Literal l && l.value() instanceof Boolean b) return new ConditionNodes.Constant(b);
        if (pos < text.length() && text.charAt(pos) == '=') {
          throw error("use '==' to compare", opAt);
        }
        String what = left.operand instanceof Field f ? "the field " + f.path() : "the value " + text.substring(start, opAt).trim();
        throw error("expected a comparison (==, !=, <, <=, >, >=), exists, matches, contains, starts_with, ends_with or in after "
            + what, opAt);
      }
    }
  }

  private Condition in(Typed left) throws ExpressionException {
    skip();
    if (!acceptSymbol("[")) throw error("expected '[' to start the list after 'in'", pos);
    List<Object> values = new ArrayList<>();
    skip();
    if (acceptSymbol("]")) throw error("the list after 'in' is empty", pos - 1);
    while (true) {
      skip();
      int at = pos;
      Typed item = operand();
      if (!(item.operand instanceof Literal lit)) throw error("a list after 'in' holds literals, not fields", at);
      checkComparable(left, Op.EQ, item, at);
      values.add(lit.value());
      skip();
      if (acceptSymbol("]")) break;
      if (!acceptSymbol(",")) throw error("expected ',' or ']' in the list", pos);
    }
    return new ConditionNodes.In(left.operand, values.toArray());
  }

  // ---- operands and their types

  /** Static kind of an operand, for type errors found at compile time. */
  private enum Kind { STRING, INT, DOUBLE, BOOL, NULL, ANY }

  private record Typed(Operand operand, Kind kind, String display) {}

  private Typed operand() throws ExpressionException {
    skip();
    if (pos >= text.length()) throw error("expected a field or a value", pos);
    char c = text.charAt(pos);
    int start = pos;
    if (c == '"' || c == '\'') {
      StringLiteral lit = StringLiteral.read(text, pos);
      pos = lit.end();
      return new Typed(new Literal(lit.value()), Kind.STRING, "the string " + text.substring(start, pos));
    }
    if (Character.isDigit(c) || ((c == '-' || c == '+') && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
      return number();
    }
    if (FieldPath.isIdentStart(c)) {
      String word = peekWord();
      switch (word) {
        case "true", "false" -> {
          pos += word.length();
          return new Typed(new Literal(Boolean.valueOf(word)), Kind.BOOL, word);
        }
        case "null" -> {
          pos += word.length();
          return new Typed(new Literal(null), Kind.NULL, word);
        }
        default -> {
          if (KEYWORDS.contains(word)) {
            throw error("expected a field or a value, found the keyword '" + word + "'", pos);
          }
          int severity = SeverityNames.literal(word);
          if (severity > 0) {
            pos += word.length();
            return new Typed(new Literal((long) severity), Kind.INT, "the severity " + word);
          }
        }
      }
      FieldPath.Parsed p = FieldPath.parse(text, pos);
      pos = p.end();
      Kind kind = switch (p.path().type()) {
        case INT -> Kind.INT;
        case STRING -> Kind.STRING;
        default -> Kind.ANY;
      };
      return new Typed(new Field(p.path()), kind, p.path().toString());
    }
    if (c == '=' || c == '<' || c == '>' || c == '!') throw error("expected a field or a value before '" + c + "'", pos);
    throw error("unexpected '" + c + "'", pos);
  }

  private Typed number() throws ExpressionException {
    int start = pos;
    if (text.charAt(pos) == '-' || text.charAt(pos) == '+') pos++;
    boolean isDouble = false;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isDigit(c) || c == '_') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E') {
        isDouble = true;
        pos++;
        if ((c == 'e' || c == 'E') && pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) pos++;
      } else {
        break;
      }
    }
    if (pos < text.length() && FieldPath.isIdentPart(text.charAt(pos))) {
      throw error("malformed number '" + text.substring(start, pos + 1) + "'", start);
    }
    String literal = text.substring(start, pos).replace("_", "");
    try {
      if (isDouble) return new Typed(new Literal(Double.parseDouble(literal)), Kind.DOUBLE, literal);
      return new Typed(new Literal(Long.parseLong(literal)), Kind.INT, literal);
    } catch (NumberFormatException e) {
      throw error("malformed number '" + text.substring(start, pos) + "'", start);
    }
  }

  private void checkComparable(Typed left, Op op, Typed right, int rightAt) throws ExpressionException {
    boolean ordering = op != Op.EQ && op != Op.NE;
    for (Typed t : List.of(left, right)) {
      if (ordering && (t.kind == Kind.BOOL || t.kind == Kind.NULL)) {
        throw error("'" + op.symbol + "' needs numbers or strings; " + t.display + " has no order", rightAt);
      }
    }
    Kind a = left.kind;
    Kind b = right.kind;
    if (a == Kind.ANY || b == Kind.ANY || a == Kind.NULL || b == Kind.NULL) return;
    boolean numA = a == Kind.INT || a == Kind.DOUBLE;
    boolean numB = b == Kind.INT || b == Kind.DOUBLE;
    if (numA && numB) return;
    if (a == b) return;
    throw error("cannot compare " + left.display + " (" + describe(a) + ") with " + right.display + " (" + describe(b) + ")"
        + hint(left, right), rightAt);
  }

  private static String hint(Typed left, Typed right) {
    for (Typed t : List.of(left, right)) {
      if (t.operand instanceof Field f && f.path().root() == FieldPath.Root.SEVERITY_NUMBER) {
        return "; compare severity_number with a number or a severity name such as WARN";
      }
    }
    return "";
  }

  private static String describe(Kind k) {
    return switch (k) {
      case STRING -> "a string";
      case INT -> "an integer";
      case DOUBLE -> "a number";
      case BOOL -> "a bool";
      case NULL -> "null";
      case ANY -> "any value";
    };
  }

  private FieldPath requireField(Typed t, String op, int at) throws ExpressionException {
    if (t.operand instanceof Field f) return f.path();
    throw error("'" + op + "' applies to a field, not to " + t.display, at);
  }

  private void requireText(Typed t, String op, int at) throws ExpressionException {
    if (t.kind == Kind.INT && t.operand instanceof Field f) {
      throw error("'" + op + "' works on text; " + f.path() + " is an integer (compare it with ==, <, >=, ...)", at);
    }
  }

  private String stringArgument(String op) throws ExpressionException {
    skip();
    if (pos >= text.length() || (text.charAt(pos) != '"' && text.charAt(pos) != '\'')) {
      throw error("'" + op + "' needs a quoted string after it", pos);
    }
    StringLiteral lit = StringLiteral.read(text, pos);
    pos = lit.end();
    return lit.value();
  }

  // ---- scanning

  private Op comparison() {
    if (acceptSymbol("==")) return Op.EQ;
    if (acceptSymbol("!=")) return Op.NE;
    if (acceptSymbol("<=")) return Op.LE;
    if (acceptSymbol(">=")) return Op.GE;
    if (acceptSymbol("<")) return Op.LT;
    if (acceptSymbol(">")) return Op.GT;
    return null;
  }

  private void skip() {
    pos = FieldPath.skipSpaces(text, pos);
  }

  private String peekWord() {
    int i = pos;
    if (i >= text.length() || !FieldPath.isIdentStart(text.charAt(i))) return "";
    while (i < text.length() && (FieldPath.isIdentPart(text.charAt(i)))) i++;
    return text.substring(pos, i);
  }

  private boolean acceptWord(String word) {
    skip();
    if (peekWord().equals(word)) {
      pos += word.length();
      return true;
    }
    return false;
  }

  private boolean acceptSymbol(String symbol) {
    skip();
    if (text.startsWith(symbol, pos)) {
      pos += symbol.length();
      return true;
    }
    return false;
  }

  /** A '!' that negates (not the start of '!='). */
  private boolean acceptBang() {
    skip();
    if (pos < text.length() && text.charAt(pos) == '!' && !text.startsWith("!=", pos)) {
      pos++;
      return true;
    }
    return false;
  }

  private ExpressionException error(String reason, int index) {
    return new ExpressionException(reason, text, Math.min(index, text == null ? 0 : text.length()) + 1);
  }
}
