package io.stacklens.processor.parse;

import io.stacklens.agent.data.Attributes;

/**
 * {@code key=value} pairs (logfmt and its relatives): pairs split by a pair delimiter (any run of
 * whitespace when the delimiter is blank), key from value by the first value delimiter. Keys and
 * values may be quoted with {@code "} or {@code '}, with backslash escapes inside; a delimiter
 * inside quotes is text. A key without a value delimiter gets an empty string. Values are strings.
 */
final class KeyValueParse {
  private final String pairDelimiter;
  private final boolean whitespacePairs;
  private final String valueDelimiter;

  KeyValueParse(String pairDelimiter, String valueDelimiter) {
    this.pairDelimiter = pairDelimiter;
    this.whitespacePairs = pairDelimiter.isBlank();
    this.valueDelimiter = valueDelimiter;
  }

  Attributes parse(String text, String where) throws RecordError {
    Attributes out = new Attributes();
    StringBuilder sb = new StringBuilder();
    int n = text.length();
    int i = skipSeparators(text, 0);
    while (i < n) {
      int keyStart = i;
      i = readToken(text, i, sb, true, where);
      String key = sb.toString().trim();
      if (key.isEmpty()) {
        throw new RecordError(
            "key_value: empty key at offset "
                + keyStart
                + " of "
                + where
                + " (expected key"
                + valueDelimiter
                + "value)");
      }
      String value = "";
      if (text.startsWith(valueDelimiter, i)) {
        i = readToken(text, i + valueDelimiter.length(), sb, false, where);
        value = sb.toString();
      }
      out.put(key, value);
      if (!whitespacePairs) {
        while (i < n && Character.isWhitespace(text.charAt(i))) i++;
      }
      if (i < n && !atPairDelimiter(text, i)) {
        throw new RecordError(
            "key_value: unexpected "
                + RecordError.show(String.valueOf(text.charAt(i)))
                + " at offset "
                + i
                + " of "
                + where
                + " (expected a pair delimiter after the value of \""
                + key
                + "\")");
      }
      i = skipSeparators(text, i);
    }
    if (out.isEmpty()) {
      throw new RecordError("key_value: no key" + valueDelimiter + "value pairs in " + where);
    }
    return out;
  }

  /**
   * Reads a key (stops at the value delimiter too) or a value into {@code sb}, unquoting; returns
   * the index just after it.
   */
  private int readToken(String text, int start, StringBuilder sb, boolean key, String where)
      throws RecordError {
    sb.setLength(0);
    int n = text.length();
    int i = start;
    if (!whitespacePairs) {
      while (i < n && Character.isWhitespace(text.charAt(i))) i++;
    }
    if (i < n && !key && whitespacePairs) {
      // a value starts right after the delimiter: "k= v" has an empty value
      if (Character.isWhitespace(text.charAt(i))) return i;
    }
    if (i < n && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
      char q = text.charAt(i);
      i++;
      while (i < n) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < n) {
          char e = text.charAt(i + 1);
          sb.append(
              switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> e;
              });
          i += 2;
        } else if (c == q) {
          return i + 1;
        } else {
          sb.append(c);
          i++;
        }
      }
      throw new RecordError(
          "key_value: unterminated quote " + q + " starting at offset " + start + " of " + where);
    }
    while (i < n && !atPairDelimiter(text, i) && !(key && text.startsWith(valueDelimiter, i))) {
      sb.append(text.charAt(i));
      i++;
    }
    int len = sb.length();
    while (len > 0 && Character.isWhitespace(sb.charAt(len - 1))) len--;
    sb.setLength(len);
    return i;
  }

  private boolean atPairDelimiter(String text, int i) {
    return whitespacePairs
        ? Character.isWhitespace(text.charAt(i))
        : text.startsWith(pairDelimiter, i);
  }

  private int skipSeparators(String text, int i) {
    int n = text.length();
    while (i < n) {
      if (Character.isWhitespace(text.charAt(i))) i++;
      else if (!whitespacePairs && text.startsWith(pairDelimiter, i)) i += pairDelimiter.length();
      else break;
    }
    return i;
  }
}
