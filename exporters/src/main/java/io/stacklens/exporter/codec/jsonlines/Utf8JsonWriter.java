package io.stacklens.exporter.codec.jsonlines;

import io.stacklens.agent.data.Attributes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Writes JSON tokens as UTF-8 straight into a {@link ByteBuf}, for the hot {@code json_lines} log
 * path. It does no structural checks: callers write commas, colons and brackets themselves (or
 * through {@link #value} and {@link #attributes}), so a line costs only the byte copies.
 *
 * <p>The output is byte-for-byte what the Jackson generator wrote before (pinned by {@code
 * Utf8JsonWriterTest}): strings escape {@code "} and {@code \} and control characters (as {@code \b
 * \t \n \f \r} or upper-case {@code &#92;u00XX}), leave {@code /}, DEL and other non-ASCII
 * unescaped as UTF-8, and write every surrogate char, paired or not, as an upper-case {@code
 * &#92;uXXXX} escape; doubles print as {@link Double#toString(double)}, NaN and infinities as
 * quoted strings; bytes as padded standard base64 without line feeds. Not thread-safe.
 */
final class Utf8JsonWriter {
  /** Most bytes one char can take: a six-byte {@code &#92;uXXXX} escape. */
  private static final int MAX_BYTES_PER_CHAR = 6;

  private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX_LOWER = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = ascii("null");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] DIGIT_PAIRS = digitPairs();
  private static final byte[] MIN_LONG = ascii(Long.toString(Long.MIN_VALUE));

  /**
   * For each ASCII char: 0 when it is copied as is, else the letter of its short escape ({@code "},
   * {@code \}, b, t, n, f, r) or {@code 'u'} for a {@code &#92;u00XX} escape.
   */
  private static final byte[] ASCII_ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) ASCII_ESCAPES[c] = 'u';
    ASCII_ESCAPES['"'] = '"';
    ASCII_ESCAPES['\\'] = '\\';
    ASCII_ESCAPES['\b'] = 'b';
    ASCII_ESCAPES['\t'] = 't';
    ASCII_ESCAPES['\n'] = 'n';
    ASCII_ESCAPES['\f'] = 'f';
    ASCII_ESCAPES['\r'] = 'r';
  }

  private final ByteBuf out;
  private final Timestamps timestamps = new Timestamps();

  Utf8JsonWriter(ByteBuf out) {
    this.out = out;
  }

  ByteBuf buffer() {
    return out;
  }

  /** Appends pre-encoded bytes (field names with their punctuation, for instance) unchanged. */
  void raw(byte[] bytes) {
    out.write(bytes, 0, bytes.length);
  }

  void raw(char asciiChar) {
    out.write(asciiChar);
  }

  /** Writes {@code s} as a quoted, escaped JSON string; null writes {@code null}. */
  void string(String s) {
    if (s == null) {
      raw(NULL);
      return;
    }
    int len = s.length();
    byte[] b = out.reserve(len * MAX_BYTES_PER_CHAR + 2);
    int p = out.size();
    b[p++] = '"';
    // One pass: plain ASCII is stored as it is scanned; only the chars needing work leave the loop.
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 128) {
        byte escape = ASCII_ESCAPES[c];
        if (escape == 0) {
          b[p++] = (byte) c;
        } else if (escape == 'u') {
          p = unicodeEscape(c, b, p);
        } else {
          b[p++] = '\\';
          b[p++] = escape;
        }
      } else {
        p = nonAscii(c, b, p);
      }
    }
    b[p++] = '"';
    out.setSize(p);
  }

  /** UTF-8 of one char at or above 128; surrogates as upper-case {@code &#92;uXXXX} escapes. */
  private static int nonAscii(char c, byte[] b, int p) {
    if (c < 0x800) {
      b[p++] = (byte) (0xc0 | (c >> 6));
      b[p++] = (byte) (0x80 | (c & 0x3f));
    } else if (Character.isSurrogate(c)) {
      p = unicodeEscape(c, b, p);
    } else {
      b[p++] = (byte) (0xe0 | (c >> 12));
      b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
      b[p++] = (byte) (0x80 | (c & 0x3f));
    }
    return p;
  }

  private static int unicodeEscape(char c, byte[] b, int p) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = HEX_UPPER[(c >> 12) & 0xf];
    b[p++] = HEX_UPPER[(c >> 8) & 0xf];
    b[p++] = HEX_UPPER[(c >> 4) & 0xf];
    b[p++] = HEX_UPPER[c & 0xf];
    return p;
  }

  /** Writes {@code v} in decimal. */
  void number(long v) {
    if (v == Long.MIN_VALUE) {
      raw(MIN_LONG);
      return;
    }
    byte[] b = out.reserve(20);
    int p = out.size();
    if (v < 0) {
      b[p++] = '-';
      v = -v;
    }
    int end = p + digitCount(v);
    int at = end;
    // Two digits per division, in int arithmetic once the value fits.
    while (v > Integer.MAX_VALUE) {
      long q = v / 100;
      at = pair((int) (v - q * 100), b, at);
      v = q;
    }
    int i = (int) v;
    while (i >= 100) {
      int q = i / 100;
      at = pair(i - q * 100, b, at);
      i = q;
    }
    if (i >= 10) {
      pair(i, b, at);
    } else {
      b[at - 1] = (byte) ('0' + i);
    }
    out.setSize(end);
  }

  /**
   * Writes the two digits of {@code twoDigits} (0..99) just before {@code end}; returns the new
   * end.
   */
  private static int pair(int twoDigits, byte[] b, int end) {
    b[end - 1] = DIGIT_PAIRS[2 * twoDigits + 1];
    b[end - 2] = DIGIT_PAIRS[2 * twoDigits];
    return end - 2;
  }

  private static int digitCount(long v) {
    int n = 1;
    for (long bound = 10; n < 19 && v >= bound; bound *= 10) n++;
    return n;
  }

  /**
   * Writes {@code d} as {@link Double#toString(double)} does; NaN and infinities as quoted strings.
   */
  void number(double d) {
    String s = Double.toString(d);
    if (Double.isFinite(d)) {
      ascii(s, out);
    } else {
      raw('"');
      ascii(s, out);
      raw('"');
    }
  }

  /** Writes {@code "<RFC 3339 time>"} (see {@link Timestamps}). */
  void timestamp(long unixNanos) {
    int n = timestamps.format(unixNanos);
    char[] chars = timestamps.chars();
    byte[] b = out.reserve(n + 2);
    int p = out.size();
    b[p++] = '"';
    for (int i = 0; i < n; i++) b[p++] = (byte) chars[i];
    b[p++] = '"';
    out.setSize(p);
  }

  /** Writes {@code "<lower-case hex>"} of {@code id}. */
  void hex(byte[] id) {
    byte[] b = out.reserve(id.length * 2 + 2);
    int p = out.size();
    b[p++] = '"';
    for (byte x : id) {
      b[p++] = HEX_LOWER[(x >> 4) & 0xf];
      b[p++] = HEX_LOWER[x & 0xf];
    }
    b[p++] = '"';
    out.setSize(p);
  }

  /** Writes {@code {"key":value,...}}. */
  void attributes(Attributes attributes) {
    raw('{');
    for (int i = 0; i < attributes.size(); i++) {
      if (i > 0) raw(',');
      string(attributes.key(i));
      raw(':');
      value(attributes.value(i));
    }
    raw('}');
  }

  /**
   * Writes one model AnyValue (see {@link Attributes}) with its JSON type: bytes become base64
   * strings. Throws {@link IllegalArgumentException} for a type that is no AnyValue kind.
   */
  void value(Object value) {
    if (value instanceof String s) {
      string(s);
    } else if (value instanceof Long l) {
      number(l.longValue());
    } else if (value == null) {
      raw(NULL);
    } else if (value instanceof Double d) {
      number(d.doubleValue());
    } else if (value instanceof Boolean b) {
      raw(b ? TRUE : FALSE);
    } else if (value instanceof Attributes kv) {
      attributes(kv);
    } else if (value instanceof List<?> list) {
      raw('[');
      boolean first = true;
      for (Object element : list) {
        if (!first) raw(',');
        first = false;
        value(element);
      }
      raw(']');
    } else if (value instanceof byte[] bytes) {
      raw('"');
      raw(Base64.getEncoder().encode(bytes));
      raw('"');
    } else if (value instanceof Integer i) {
      number(i.longValue());
    } else if (value instanceof Float f) {
      number(f.doubleValue());
    } else {
      throw new IllegalArgumentException(
          "value of type " + value.getClass().getName() + " is not an OTLP AnyValue kind");
    }
  }

  private static void ascii(String s, ByteBuf out) {
    int n = s.length();
    byte[] b = out.reserve(n);
    int p = out.size();
    for (int i = 0; i < n; i++) b[p++] = (byte) s.charAt(i);
    out.setSize(p);
  }

  private static byte[] digitPairs() {
    byte[] pairs = new byte[200];
    for (int i = 0; i < 100; i++) {
      pairs[2 * i] = (byte) ('0' + i / 10);
      pairs[2 * i + 1] = (byte) ('0' + i % 10);
    }
    return pairs;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
