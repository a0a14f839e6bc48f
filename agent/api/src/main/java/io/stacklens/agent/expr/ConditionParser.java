package io.stacklens.agent.expr;

import io.stacklens.agent.api.Suggestions;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.expr.ConditionNodes.Compare;
import io.stacklens.agent.expr.ConditionNodes.Field;
import io.stacklens.agent.expr.ConditionNodes.Literal;
import io.stacklens.agent.expr.ConditionNodes.Op;
import io.stacklens.agent.expr.ConditionNodes.Operand;
import io.stacklens.agent.expr.ConditionNodes.TextOp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser from condition text to {@link ConditionNodes}. Grammar
 * (docs/conditions.md):
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
 *   literal    := string | int | double | "true" | "false" | "null" | severity name (TRACE .. FATAL4;
 *                 next to severity_number any word SeverityNames.parse reads, in any case)
 * </pre>
 *
 * Every error names the column inside the text where it was found.
 */
final class ConditionParser {
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "not",
          "exists",
          "matches",
          "contains",
          "starts_with",
          "ends_with",
          "in",
          "true",
          "false",
          "null");

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
      throw error(
          next.isEmpty()
              ? "unexpected '" + text.charAt(pos) + "'"
              : "unexpected '" + next + "'; join conditions with and / or",
          pos);
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
        throw error(
            pos >= text.length()
                ? "missing ')' to close the '(' at column " + (open + 1)
                : "expected ')' to close the '(' at column " + (open + 1),
            pos);
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
      return compare(left, op, operand());
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
          return new ConditionNodes.Not(
              new ConditionNodes.Exists(requireField(left, "not exists", start)));
        }
        if (after.equals("in")) {
          pos += after.length();
          return new ConditionNodes.Not(in(left));
        }
        throw error("expected 'exists' or 'in' after 'not'", pos);
      }
      case "matches" -> {
        pos += word.length();
        requireText(left, "matches");
        skip();
        int at = pos;
        String regex = stringArgument("matches");
        try {
          return new ConditionNodes.Matches(left.operand, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
          throw error(
              "invalid regular expression: "
                  + e.getDescription()
                  + (e.getIndex() >= 0 ? " near index " + e.getIndex() + " of the pattern" : ""),
              at);
        }
      }
      case "contains", "starts_with", "ends_with" -> {
        pos += word.length();
        requireText(left, word);
        skip();
        int at = pos;
        String needle = stringArgument(word);
        checkIdPart(left, needle, at);
        TextOp textOp =
            switch (word) {
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
        if (left.operand instanceof Literal l && l.value() instanceof Boolean b)
          return new ConditionNodes.Constant(b);
        if (pos < text.length() && text.charAt(pos) == '=') {
          throw error("use '==' to compare", opAt);
        }
        String what =
            left.operand instanceof Field f
                ? "the field " + f.path()
                : "the value " + text.substring(start, opAt).trim();
        throw error(
            "expected a comparison (==, !=, <, <=, >, >=), exists, matches, contains, starts_with, ends_with or in after "
                + what,
            opAt);
      }
    }
  }

  private Condition in(Typed left) throws ExpressionException {
    if (left.operand instanceof Literal)
      throw error(
          "'in' applies to a field, not to " + left.display + quotedFieldHint(left), left.at);
    skip();
    if (!acceptSymbol("[")) throw error("expected '[' to start the list after 'in'", pos);
    List<Object> values = new ArrayList<>();
    skip();
    if (acceptSymbol("]")) throw error("the list after 'in' is empty", pos - 1);
    while (true) {
      skip();
      int at = pos;
      Typed item = checkValue(left, Op.EQ, operand());
      if (!(item.operand instanceof Literal lit))
        throw error("a list after 'in' holds literals, not fields", at);
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
  private enum Kind {
    STRING,
    INT,
    DOUBLE,
    BOOL,
    NULL,
    ANY
  }

  /**
   * An operand with what the compiler knows about it: its kind, how to show it in a message, where
   * it starts (0-based), and {@code name}: the word written for a severity literal or for a bare
   * attribute name ({@code user_id}), null otherwise.
   */
  private record Typed(Operand operand, Kind kind, String display, int at, String name) {
    boolean isSeverity() {
      return operand instanceof Literal && name != null;
    }

    boolean isBareName() {
      return operand instanceof Field && name != null;
    }

    FieldPath.Root root() {
      return operand instanceof Field f ? f.path().root() : null;
    }
  }

  private Typed operand() throws ExpressionException {
    skip();
    if (pos >= text.length()) throw error("expected a field or a value", pos);
    char c = text.charAt(pos);
    int start = pos;
    if (c == '"' || c == '\'') {
      StringLiteral lit = StringLiteral.read(text, pos);
      pos = lit.end();
      return new Typed(
          new Literal(lit.value()),
          Kind.STRING,
          "the string " + text.substring(start, pos),
          start,
          null);
    }
    if (Character.isDigit(c)
        || ((c == '-' || c == '+')
            && pos + 1 < text.length()
            && Character.isDigit(text.charAt(pos + 1)))) {
      return number();
    }
    if (FieldPath.isIdentStart(c)) {
      String word = peekWord();
      switch (word) {
        case "true", "false" -> {
          pos += word.length();
          return new Typed(new Literal(Boolean.valueOf(word)), Kind.BOOL, word, start, null);
        }
        case "null" -> {
          pos += word.length();
          return new Typed(new Literal(null), Kind.NULL, word, start, null);
        }
        default -> {
          if (KEYWORDS.contains(word)) {
            throw error("expected a field or a value, found the keyword '" + word + "'", pos);
          }
          int severity = SeverityNames.literal(word);
          if (severity > 0) {
            pos += word.length();
            return new Typed(
                new Literal((long) severity), Kind.INT, "the severity " + word, start, word);
          }
        }
      }
      FieldPath.Parsed p = FieldPath.parse(text, pos);
      pos = p.end();
      Kind kind =
          switch (p.path().type()) {
            case INT -> Kind.INT;
            case STRING -> Kind.STRING;
            default -> Kind.ANY;
          };
      String bare = FieldPath.RESERVED.contains(word) ? null : text.substring(start, pos).trim();
      return new Typed(new Field(p.path()), kind, p.path().toString(), start, bare);
    }
    if (c == '=' || c == '<' || c == '>' || c == '!')
      throw error("expected a field or a value before '" + c + "'", pos);
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
        if ((c == 'e' || c == 'E')
            && pos < text.length()
            && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) pos++;
      } else {
        break;
      }
    }
    if (pos < text.length() && FieldPath.isIdentPart(text.charAt(pos))) {
      throw error("malformed number '" + text.substring(start, pos + 1) + "'", start);
    }
    String literal = text.substring(start, pos).replace("_", "");
    try {
      if (isDouble)
        return new Typed(
            new Literal(Double.parseDouble(literal)), Kind.DOUBLE, literal, start, null);
      return new Typed(new Literal(Long.parseLong(literal)), Kind.INT, literal, start, null);
    } catch (NumberFormatException e) {
      throw error("malformed number '" + text.substring(start, pos) + "'", start);
    }
  }

  // ---- comparisons: what each field can be compared with (docs/conditions.md, "Mistakes caught at
  // start-up")

  private static final String SEVERITY_FIX =
      "use a severity name (TRACE..FATAL4, case-insensitive) or a number 1..24";
  private static final String TIME_FIX =
      "use nanoseconds since the Unix epoch (1700000000000000000) or an RFC 3339 "
          + "timestamp in quotes ('2023-11-14T22:13:20Z')";
  private static final List<String> SEVERITY_WORDS =
      List.of("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL");

  private Condition compare(Typed left, Op op, Typed right) throws ExpressionException {
    if (!(left.operand instanceof Field) && !(right.operand instanceof Field)) {
      throw error(
          "'"
              + op.symbol
              + "' compares two values ("
              + left.display
              + " and "
              + right.display
              + "), so the result never depends on the record"
              + quotedFieldHint(left, right),
          left.at);
    }
    // The subject is the field that says most about what the other side may be: 5 < x is x > 5.
    if (rank(right) > rank(left)) {
      Typed t = left;
      left = right;
      right = t;
      op = op.flipped();
    }
    Typed value = checkValue(left, op, right);
    checkComparable(left, op, value, right.at);
    return new Compare(left.operand, op, value.operand);
  }

  private static int rank(Typed t) {
    if (t.root() == null) return 0;
    return switch (t.root()) {
      case SEVERITY_NUMBER -> 5;
      case TIME, OBSERVED_TIME -> 4;
      case FLAGS -> 3;
      case SEVERITY_TEXT, TRACE_ID, SPAN_ID, SCOPE_NAME, SCOPE_VERSION, EVENT_NAME -> 2;
      default -> 1;
    };
  }

  /**
   * Checks what {@code value} may be when compared with the field {@code subject}, and returns it
   * resolved: a severity word next to severity_number becomes that severity, a timestamp string
   * next to a time field becomes nanoseconds. Throws for comparisons that compile but can never
   * mean what was written.
   */
  private Typed checkValue(Typed subject, Op op, Typed value) throws ExpressionException {
    FieldPath path = ((Field) subject.operand).path();
    return switch (path.root()) {
      case SEVERITY_NUMBER -> severityValue(op, value);
      case TIME, OBSERVED_TIME -> timeValue(path, value);
      case FLAGS -> flagsValue(path, op, value);
      case SEVERITY_TEXT, TRACE_ID, SPAN_ID, SCOPE_NAME, SCOPE_VERSION, EVENT_NAME ->
          textValue(path, op, value);
      default -> anyValue(path, op, value);
    };
  }

  private Typed severityValue(Op op, Typed value) throws ExpressionException {
    if (value.operand instanceof Field) {
      if (value.root() == FieldPath.Root.SEVERITY_NUMBER) return value;
      if (value.isBareName()) {
        int n = SeverityNames.parse(value.name);
        if (n > 0)
          return new Typed(
              new Literal((long) n), Kind.INT, "the severity " + value.name, value.at, value.name);
      }
      throw error(
          "severity_number is compared with "
              + fieldName(value)
              + ", which is not a severity; "
              + SEVERITY_FIX
              + (value.isBareName() ? didYouMean(value.name, SEVERITY_WORDS) : ""),
          value.at);
    }
    if (value.kind == Kind.NULL) throw neverAbsent("severity_number", op, value.at);
    if ((value.kind == Kind.INT || value.kind == Kind.DOUBLE) && !value.isSeverity()) {
      double n = ((Number) ((Literal) value.operand).value()).doubleValue();
      if (!(n >= 0 && n <= LogRecord.SEVERITY_MAX)) {
        throw error(
            "severity_number is 0..24 (0 when unset), so "
                + value.display
                + " is out of range; "
                + SEVERITY_FIX,
            value.at);
      }
    }
    return value;
  }

  private Typed timeValue(FieldPath path, Typed value) throws ExpressionException {
    if (value.operand instanceof Field || value.isSeverity()) {
      if (value.root() == FieldPath.Root.TIME || value.root() == FieldPath.Root.OBSERVED_TIME)
        return value;
      String what = value.isSeverity() ? value.display : fieldName(value);
      throw error(
          path + " is compared with " + what + ", which is not a time; " + TIME_FIX, value.at);
    }
    Object v = ((Literal) value.operand).value();
    if (v instanceof String s) {
      try {
        Instant t = OffsetDateTime.parse(s).toInstant();
        long nanos =
            Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        return new Typed(new Literal(nanos), Kind.INT, value.display, value.at, null);
      } catch (DateTimeParseException | ArithmeticException e) {
        throw error(
            path
                + " is compared with "
                + value.display
                + ", which is not an RFC 3339 timestamp; "
                + TIME_FIX
                + " (for an attribute named "
                + path
                + " write attributes[\""
                + path
                + "\"])",
            value.at);
      }
    }
    if (v instanceof Number n && n.doubleValue() >= 1 && n.doubleValue() < 1e17) {
      throw error(unitMistake(path, n.longValue(), value.display), value.at);
    }
    return value;
  }

  /**
   * For a time literal too small to be nanoseconds: which unit it looks like, and how to write it.
   */
  private static String unitMistake(FieldPath path, long n, String display) {
    String unit;
    Instant t;
    long factor;
    if (n < 100_000_000_000L) {
      unit = "seconds";
      t = Instant.ofEpochSecond(n);
      factor = 1_000_000_000L;
    } else if (n < 100_000_000_000_000L) {
      unit = "milliseconds";
      t = Instant.ofEpochMilli(n);
      factor = 1_000_000L;
    } else {
      unit = "microseconds";
      t = Instant.EPOCH.plus(n, ChronoUnit.MICROS);
      factor = 1_000L;
    }
    String nanos;
    try {
      nanos = Math.multiplyExact(n, factor) + " or ";
    } catch (ArithmeticException e) {
      nanos = "";
    }
    return path
        + " counts nanoseconds since the Unix epoch, so "
        + display
        + " is a moment in 1970; it looks like "
        + unit
        + " ("
        + t
        + "): write "
        + nanos
        + "'"
        + t
        + "'";
  }

  private Typed flagsValue(FieldPath path, Op op, Typed value) throws ExpressionException {
    if (value.isBareName() || value.isSeverity()) {
      String what = value.isSeverity() ? value.display : fieldName(value);
      throw error(
          path
              + " is compared with "
              + what
              + ", which is not a number; compare "
              + path
              + " with an integer such as 1 (sampled)",
          value.at);
    }
    if (value.kind == Kind.NULL) throw neverAbsent(path.toString(), op, value.at);
    return value;
  }

  private Typed textValue(FieldPath path, Op op, Typed value) throws ExpressionException {
    boolean ordering = op != Op.EQ && op != Op.NE;
    if (value.isBareName()) {
      throw error(
          path
              + " is compared with "
              + fieldName(value)
              + "; to compare with the text write '"
              + value.name
              + "' in quotes (for the attribute write attributes[\""
              + value.name
              + "\"])",
          value.at);
    }
    if (path.root() == FieldPath.Root.SEVERITY_TEXT) {
      if (value.isSeverity()) {
        throw error(
            "severity_text is text, so it never equals "
                + value.display
                + " (the number "
                + ((Literal) value.operand).value()
                + "); write '"
                + value.name
                + "' in quotes, or compare the number: severity_number "
                + op.symbol
                + " "
                + value.name,
            value.at);
      }
      if (ordering && (value.kind == Kind.STRING || value.kind == Kind.ANY)) {
        throw error(
            "'"
                + op.symbol
                + "' on severity_text compares text letter by letter ('ERROR' < 'WARN'), not by severity;"
                + " compare the number instead: severity_number "
                + op.symbol
                + " WARN",
            value.at);
      }
    }
    if (value.operand instanceof Literal lit && lit.value() instanceof String s && !ordering) {
      if (s.isEmpty()) {
        throw error(
            path
                + " is absent when empty, so "
                + (op == Op.EQ
                    ? "comparing it with '' never matches; write not (" + path + " exists)"
                    : "'!= \"\"' is true for every record; write " + path + " exists"),
            value.at);
      }
      int digits = idDigits(path);
      if (digits > 0 && !HEX.matcher(s).matches()) {
        throw error(
            idMistake(path, digits, s, value.display)
                + "; write the whole id as "
                + digits
                + " lower-case hex digits (for part of it use starts_with or contains)",
            value.at);
      }
      if (digits > 0 && s.length() != digits) {
        throw error(
            path
                + " is "
                + digits
                + " hex digits, so "
                + value.display
                + " ("
                + s.length()
                + ") never matches; for part of an id use starts_with or contains",
            value.at);
      }
    }
    return value;
  }

  private static final Pattern HEX = Pattern.compile("[0-9a-f]*");

  private static int idDigits(FieldPath path) {
    return switch (path.root()) {
      case TRACE_ID -> 32;
      case SPAN_ID -> 16;
      default -> 0;
    };
  }

  private static String idMistake(FieldPath path, int digits, String s, String display) {
    if (s.toLowerCase(Locale.ROOT).matches("[0-9a-f]*")) {
      return path
          + " reads as lower-case hex, so "
          + display
          + " never matches; write '"
          + s.toLowerCase(Locale.ROOT)
          + "'";
    }
    return path + " is " + digits + " lower-case hex digits, so " + display + " never matches";
  }

  /**
   * {@code trace_id starts_with 'ABC'}: an id reads as lower-case hex, so a needle of other
   * characters is never found.
   */
  private void checkIdPart(Typed left, String needle, int at) throws ExpressionException {
    if (!(left.operand instanceof Field f)) return;
    int digits = idDigits(f.path());
    if (digits == 0) return;
    String display = "the string '" + needle + "'";
    if (!HEX.matcher(needle).matches())
      throw error(idMistake(f.path(), digits, needle, display), at);
    if (needle.length() > digits) {
      throw error(
          f.path()
              + " is "
              + digits
              + " hex digits, so "
              + display
              + " ("
              + needle.length()
              + ") is never found in it",
          at);
    }
  }

  private Typed anyValue(FieldPath path, Op op, Typed value) throws ExpressionException {
    if (value.isBareName() && SeverityNames.literal(value.name.toUpperCase(Locale.ROOT)) > 0) {
      throw error(
          value.name
              + " here reads the attribute named "
              + value.name
              + "; to compare "
              + path
              + " with the text write '"
              + value.name
              + "' in quotes (for the record's severity compare severity_number, for the attribute write attributes[\""
              + value.name
              + "\"])",
          value.at);
    }
    if (value.isSeverity()) {
      Object n = ((Literal) value.operand).value();
      throw error(
          value.name
              + " is the severity number "
              + n
              + ", but "
              + path
              + " is not severity_number; to compare with the text"
              + " write '"
              + value.name
              + "' in quotes (for the record's severity write severity_number "
              + op.symbol
              + " "
              + value.name
              + ", for the number write "
              + n
              + ")",
          value.at);
    }
    return value;
  }

  private ExpressionException neverAbsent(String field, Op op, int at) {
    if (op == Op.NE) {
      return error(
          field
              + " is never absent (it is 0 when unset), so '!= null' is always true; write "
              + field
              + " exists",
          at);
    }
    return error(
        field
            + " is never absent (it is 0 when unset), so comparing it with null never matches; write "
            + field
            + " == 0",
        at);
  }

  /**
   * How a field operand is named in messages: {@code attribute 'infoo'} for a bare name, else its
   * path.
   */
  private static String fieldName(Typed t) {
    return t.isBareName() ? "attribute '" + t.name + "'" : t.display;
  }

  private static String didYouMean(String typed, List<String> candidates) {
    return Suggestions.closest(typed, candidates).map(s -> "; did you mean " + s + "?").orElse("");
  }

  /**
   * When a quoted string was probably meant as a field name ({@code 'user_id' == 'x'}): how to read
   * the field.
   */
  private static String quotedFieldHint(Typed... operands) {
    for (Typed t : operands) {
      if (t.operand instanceof Literal lit && lit.value() instanceof String s && !s.isBlank()) {
        try {
          FieldPath.parse(s);
          return "; to read a field write its name without quotes: " + s;
        } catch (ExpressionException e) {
          // not a field name
        }
      }
    }
    return "; compare a field with a value";
  }

  private void checkComparable(Typed left, Op op, Typed right, int rightAt)
      throws ExpressionException {
    boolean ordering = op != Op.EQ && op != Op.NE;
    for (Typed t : List.of(left, right)) {
      if (ordering && (t.kind == Kind.BOOL || t.kind == Kind.NULL)) {
        throw error(
            "'" + op.symbol + "' needs numbers or strings; " + t.display + " has no order",
            rightAt);
      }
    }
    Kind a = left.kind;
    Kind b = right.kind;
    if (a == Kind.ANY || b == Kind.ANY || a == Kind.NULL || b == Kind.NULL) return;
    boolean numA = a == Kind.INT || a == Kind.DOUBLE;
    boolean numB = b == Kind.INT || b == Kind.DOUBLE;
    if (numA && numB) return;
    if (a == b) return;
    throw error(
        "cannot compare "
            + left.display
            + " ("
            + describe(a)
            + ") with "
            + right.display
            + " ("
            + describe(b)
            + ")"
            + hint(left, right),
        rightAt);
  }

  private static String hint(Typed left, Typed right) {
    for (Typed t : List.of(left, right)) {
      if (t.root() == FieldPath.Root.SEVERITY_NUMBER)
        return "; " + SEVERITY_FIX + ", without quotes";
      if (t.root() == FieldPath.Root.FLAGS)
        return "; compare flags with an integer (for an attribute named flags write attributes[\"flags\"])";
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

  private void requireText(Typed t, String op) throws ExpressionException {
    if (t.operand instanceof Literal) {
      throw error(
          "'" + op + "' applies to a field, not to " + t.display + quotedFieldHint(t), t.at);
    }
    if (t.kind == Kind.INT && t.operand instanceof Field f) {
      throw error(
          "'"
              + op
              + "' works on text; "
              + f.path()
              + " is an integer (compare it with ==, <, >=, ...)",
          t.at);
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
    return new ExpressionException(
        reason, text, Math.min(index, text == null ? 0 : text.length()) + 1);
  }
}
