package io.stacklens.processor.enrich.lookup;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 records: fields separated by one delimiter character, records ended by CRLF, LF or
 * CR (the last one may be unterminated). A field starting with {@code "} is quoted: it ends at the
 * next single {@code "}, {@code ""} inside stands for one quote, and delimiters and line breaks
 * inside are data. A quote inside an unquoted field is kept as a character. Blank lines are
 * skipped; a leading UTF-8 byte order mark is dropped.
 */
final class CsvReader {
  /** A malformed file: the message names the line. */
  static final class CsvFormatException extends IOException {
    CsvFormatException(String message) {
      super(message);
    }
  }

  private static final int EOF = -1;

  private final Reader in;
  private final char delimiter;
  private final char[] buf = new char[64 * 1024];
  private int pos;
  private int limit;
  private int line = 1; // line of the next character
  private int recordLine; // line the last record started on
  private final StringBuilder field = new StringBuilder();
  private boolean first = true;

  CsvReader(Reader in, char delimiter) {
    this.in = in;
    this.delimiter = delimiter;
  }

  /** The line (1-based) the record last returned by {@link #next} started on. */
  int recordLine() {
    return recordLine;
  }

  /** The next record's fields, or null at the end of the input. */
  List<String> next() throws IOException, CsvFormatException {
    if (first) {
      first = false;
      if (peek() == '\uFEFF') pos++;
    }
    // skip blank lines
    while (true) {
      int c = peek();
      if (c == EOF) return null;
      if (c == '\n' || c == '\r') {
        consumeLineBreak();
        continue;
      }
      break;
    }
    recordLine = line;
    List<String> fields = new ArrayList<>();
    while (true) {
      field.setLength(0);
      int c = peek();
      if (c == '"') {
        pos++;
        readQuoted();
        c = peek();
        if (c != EOF && c != delimiter && c != '\n' && c != '\r') {
          throw new CsvFormatException(
              "line "
                  + line
                  + ": unexpected character '"
                  + (char) c
                  + "' after the closing quote of field "
                  + (fields.size() + 1)
                  + " (a quote inside a quoted field is written \"\")");
        }
      } else {
        while (c != EOF && c != delimiter && c != '\n' && c != '\r') {
          field.append((char) c);
          pos++;
          c = peek();
        }
      }
      fields.add(field.toString());
      if (c == delimiter) {
        pos++;
        continue;
      }
      if (c != EOF) consumeLineBreak();
      return fields;
    }
  }

  private void readQuoted() throws IOException, CsvFormatException {
    int startLine = line;
    while (true) {
      int c = peek();
      if (c == EOF) {
        throw new CsvFormatException(
            "line " + startLine + ": quoted field is not closed before the end of the file");
      }
      pos++;
      if (c == '"') {
        if (peek() == '"') {
          pos++;
          field.append('"');
        } else {
          return;
        }
      } else {
        if (c == '\n' || (c == '\r' && peek() != '\n')) line++;
        field.append((char) c);
      }
    }
  }

  private void consumeLineBreak() throws IOException {
    int c = peek();
    pos++;
    if (c == '\r' && peek() == '\n') pos++;
    line++;
  }

  private int peek() throws IOException {
    if (pos == limit) {
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) return EOF;
      pos = 0;
      limit = n;
    }
    return buf[pos];
  }
}
