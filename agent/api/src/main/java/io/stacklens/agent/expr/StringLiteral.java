package io.stacklens.agent.expr;

/** A quoted string in an expression: "..." or '...', with \" \' \\ \n \t \r and \\uXXXX escapes. */
record StringLiteral(String value, int end) {
  /**
   * Reads the literal whose opening quote is at {@code start}; {@code end} is just past the closing
   * quote.
   */
  static StringLiteral read(String text, int start) throws ExpressionException {
    char quote = text.charAt(start);
    StringBuilder sb = new StringBuilder();
    int i = start + 1;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == quote) return new StringLiteral(sb.toString(), i + 1);
      if (c == '\\') {
        if (i + 1 >= text.length()) break;
        char e = text.charAt(i + 1);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case '\\', '"', '\'', '/' -> sb.append(e);
          case '.',
              '*',
              '+',
              '?',
              '(',
              ')',
              '[',
              ']',
              '{',
              '}',
              '|',
              '^',
              '$',
              'd',
              'w',
              's',
              'b',
              'D',
              'W',
              'S',
              'B' ->
              sb.append('\\').append(e); // regex escapes pass through, so "\d+" works in matches
          case 'u' -> {
            if (i + 6 > text.length())
              throw new ExpressionException("incomplete \\u escape", text, i + 1);
            try {
              sb.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
            } catch (NumberFormatException ex) {
              throw new ExpressionException("bad \\u escape", text, i + 1);
            }
            i += 4;
          }
          default ->
              throw new ExpressionException(
                  "unknown escape '\\" + e + "' in a string", text, i + 1);
        }
        i += 2;
        continue;
      }
      sb.append(c);
      i++;
    }
    throw new ExpressionException(
        "unterminated string (missing closing " + quote + ")", text, start + 1);
  }
}
