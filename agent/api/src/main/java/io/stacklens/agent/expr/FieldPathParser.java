package io.stacklens.agent.expr;

/**
 * Reads the text form of a {@link FieldPath} ({@code attributes["k"]}, {@code
 * resource.attributes["k"]}, {@code scope.name}, dotted attribute shorthands, ...), alone or inside
 * a larger expression, with the column of the first thing it cannot read. Kept apart from {@link
 * FieldPath}, which is what a path reads and writes on a record.
 */
final class FieldPathParser {
  private FieldPathParser() {}

  /** Parses the path that starts at {@code start} of a larger expression. */
  static FieldPath.Parsed parse(String text, int start) throws ExpressionException {
    Cursor c = new Cursor(text, skipSpaces(text, start));
    String first = c.identifier();
    if (first == null) throw new ExpressionException("expected a field", text, c.pos + 1);
    switch (first) {
      case "body" -> {
        return c.done(FieldPath.Root.BODY, c.keys());
      }
      case "attributes" -> {
        return c.done(FieldPath.Root.ATTRIBUTES, c.keys());
      }
      case "resource" -> {
        c.expectDotThen("attributes", "resource.attributes[\"key\"]");
        return c.done(FieldPath.Root.RESOURCE_ATTRIBUTES, c.keys());
      }
      case "scope" -> {
        c.expect('.', "scope.name, scope.version or scope.attributes[\"key\"]");
        int at = c.pos;
        String sub = c.identifier();
        if ("name".equals(sub)) return c.done(FieldPath.Root.SCOPE_NAME, FieldPath.NO_KEYS);
        if ("version".equals(sub)) return c.done(FieldPath.Root.SCOPE_VERSION, FieldPath.NO_KEYS);
        if ("attributes".equals(sub)) return c.done(FieldPath.Root.SCOPE_ATTRIBUTES, c.keys());
        throw new ExpressionException(
            "unknown scope field '" + sub + "' (expected name, version or attributes[\"key\"])",
            text,
            at + 1);
      }
      case "severity_number" -> {
        return c.done(FieldPath.Root.SEVERITY_NUMBER, FieldPath.NO_KEYS);
      }
      case "severity_text" -> {
        return c.done(FieldPath.Root.SEVERITY_TEXT, FieldPath.NO_KEYS);
      }
      case "trace_id" -> {
        return c.done(FieldPath.Root.TRACE_ID, FieldPath.NO_KEYS);
      }
      case "span_id" -> {
        return c.done(FieldPath.Root.SPAN_ID, FieldPath.NO_KEYS);
      }
      case "time" -> {
        return c.done(FieldPath.Root.TIME, FieldPath.NO_KEYS);
      }
      case "observed_time" -> {
        return c.done(FieldPath.Root.OBSERVED_TIME, FieldPath.NO_KEYS);
      }
      case "flags" -> {
        return c.done(FieldPath.Root.FLAGS, FieldPath.NO_KEYS);
      }
      case "event_name" -> {
        return c.done(FieldPath.Root.EVENT_NAME, FieldPath.NO_KEYS);
      }
      default -> {
        // Shorthand: a dotted name is an attribute key (parse.error, http.status_code, user_id).
        StringBuilder name = new StringBuilder(first);
        while (c.peek() == '.') {
          int dot = c.pos;
          c.pos++;
          String next = c.identifier();
          if (next == null)
            throw new ExpressionException("expected a name after '.'", text, dot + 2);
          name.append('.').append(next);
        }
        String[] more = c.keys();
        String[] all = new String[more.length + 1];
        all[0] = name.toString();
        System.arraycopy(more, 0, all, 1, more.length);
        return c.done(FieldPath.Root.ATTRIBUTES, all);
      }
    }
  }

  static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    return i;
  }

  static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }

  /** Reads identifiers, dots and ["key"] subscripts. */
  private static final class Cursor {
    final String text;
    int pos;

    Cursor(String text, int pos) {
      this.text = text;
      this.pos = pos;
    }

    char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    String identifier() {
      if (pos >= text.length() || !isIdentStart(text.charAt(pos))) return null;
      int start = pos;
      while (pos < text.length() && isIdentPart(text.charAt(pos))) pos++;
      return text.substring(start, pos);
    }

    void expect(char c, String what) throws ExpressionException {
      if (peek() != c) throw new ExpressionException("expected " + what, text, pos + 1);
      pos++;
    }

    void expectDotThen(String name, String what) throws ExpressionException {
      int at = pos;
      if (peek() == '.') {
        pos++;
        if (name.equals(identifier())) return;
      }
      throw new ExpressionException("expected " + what, text, at + 1);
    }

    /** Zero or more ["key"] subscripts. */
    String[] keys() throws ExpressionException {
      java.util.ArrayList<String> out = null;
      while (peek() == '[') {
        int open = pos;
        pos = skipSpaces(text, pos + 1);
        char q = peek();
        if (q != '"' && q != '\'')
          throw new ExpressionException("expected a quoted key inside [ ]", text, pos + 1);
        StringLiteral lit = StringLiteral.read(text, pos);
        pos = skipSpaces(text, lit.end());
        if (peek() != ']')
          throw new ExpressionException(
              "expected ']' to close the '[' at column " + (open + 1), text, pos + 1);
        pos++;
        if (out == null) out = new java.util.ArrayList<>();
        out.add(lit.value());
      }
      return out == null ? FieldPath.NO_KEYS : out.toArray(FieldPath.NO_KEYS);
    }

    FieldPath.Parsed done(FieldPath.Root root, String[] keys) {
      return new FieldPath.Parsed(new FieldPath(root, keys), pos);
    }
  }
}
