package io.stacklens.agent.otlp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes protobuf wire format into one growing array, in a single pass: a nested message's length
 * prefix is reserved where the message starts ({@link #beginMessage}) and filled in when it ends
 * ({@link #endMessage}), moving the message's bytes when the length needs another number of bytes
 * than was reserved. The output is the canonical encoding: the bytes protobuf-java writes for the
 * same fields in field-number order, which is what the tests compare against.
 *
 * <p>Not thread-safe; one writer per message being encoded.
 */
final class ProtoWriter {
  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int WIRE_LENGTH_DELIMITED = 2;
  private static final int WIRE_FIXED32 = 5;

  /** From this length on, a string is encoded by {@link String#getBytes} (see stringAlways). */
  private static final int LONG_STRING = 32;

  private byte[] buf;
  private int pos;

  /** Where {@link #repeatingString} finds the bytes of strings it wrote before. */
  private final RecentStrings recent = new RecentStrings();

  /** A writer with a buffer of {@code initialCapacity} bytes, which grows when it is full. */
  ProtoWriter(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

  /** Starts the next message at the beginning of the buffer (the strings it remembers stay). */
  void reset() {
    pos = 0;
  }

  /** How many bytes the buffer holds now, written or not. */
  int capacity() {
    return buf.length;
  }

  /** A copy of the bytes written so far. */
  byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  /**
   * Starts a length-delimited field (a nested message) and returns the mark to pass to {@link
   * #endMessage}. {@code expectedLengthBytes} (1-5) is how many bytes its length prefix likely
   * needs: reserving the right number saves moving the message's bytes at the end.
   */
  long beginMessage(int field, int expectedLengthBytes) {
    tag(field, WIRE_LENGTH_DELIMITED);
    ensure(expectedLengthBytes);
    int prefixAt = pos;
    pos += expectedLengthBytes;
    return ((long) prefixAt << 3) | expectedLengthBytes;
  }

  /** Ends the message started at {@code mark}: writes its length prefix. */
  void endMessage(long mark) {
    int prefixAt = (int) (mark >>> 3);
    int reserved = (int) (mark & 7);
    int start = prefixAt + reserved;
    int length = pos - start;
    int needed = varintSize(length);
    if (needed != reserved) {
      ensure(needed - reserved);
      System.arraycopy(buf, start, buf, prefixAt + needed, length);
      pos += needed - reserved;
    }
    int at = prefixAt;
    int v = length;
    while ((v & ~0x7F) != 0) {
      buf[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[at] = (byte) v;
  }

  /** A proto3 string field: skipped when empty (or null), as protobuf-java does. */
  void string(int field, String s) {
    if (s == null || s.isEmpty()) return;
    stringAlways(field, s);
  }

  /**
   * A proto3 string field for a string that repeats from record to record (an attribute key): the
   * same bytes as {@link #string}, copied from {@link RecentStrings} when it has them.
   */
  void repeatingString(int field, String s) {
    if (s == null || s.isEmpty()) return;
    byte[] utf8 = recent.utf8(s);
    if (utf8 == null) {
      stringAlways(field, s);
    } else {
      bytesAlways(field, utf8);
    }
  }

  /** A string field written even when empty (a oneof member has presence). */
  void stringAlways(int field, String s) {
    int n = s.length();
    if (n >= LONG_STRING) {
      // String.getBytes is vectorized for Latin-1 strings: faster than a char loop, at the cost of
      // a short-lived array.
      bytesAlways(field, s.getBytes(StandardCharsets.UTF_8));
      return;
    }
    tag(field, WIRE_LENGTH_DELIMITED);
    // ASCII, the common case, is one byte per char: reserve the prefix for that, fix it up after.
    int lengthBytes = varintSize(n);
    ensure(lengthBytes + n);
    int prefixAt = pos;
    int at = prefixAt + lengthBytes;
    int i = 0;
    byte[] b = buf;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) break;
      b[at++] = (byte) c;
    }
    pos = at;
    if (i < n) writeUtf8From(s, i);
    int length = pos - prefixAt - lengthBytes;
    int needed = varintSize(length);
    if (needed != lengthBytes) {
      ensure(needed - lengthBytes);
      System.arraycopy(buf, prefixAt + lengthBytes, buf, prefixAt + needed, length);
      pos += needed - lengthBytes;
    }
    int save = pos;
    pos = prefixAt;
    rawVarint(length);
    pos = save;
  }

  /**
   * The rest of {@code s} from {@code from} as UTF-8, as {@link String#getBytes} writes it: an
   * unpaired surrogate becomes {@code '?'}.
   */
  private void writeUtf8From(String s, int from) {
    int n = s.length();
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      ensure(4);
      byte[] b = buf;
      if (c < 0x80) {
        b[pos++] = (byte) c;
      } else if (c < 0x800) {
        b[pos++] = (byte) (0xC0 | (c >>> 6));
        b[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        b[pos++] = (byte) (0xE0 | (c >>> 12));
        b[pos++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
        b[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[pos++] = (byte) (0xF0 | (cp >>> 18));
        b[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
        b[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        b[pos++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        b[pos++] = '?';
      }
    }
  }

  /** A proto3 bytes field: skipped when empty or null. */
  void bytes(int field, byte[] value) {
    if (value == null || value.length == 0) return;
    bytesAlways(field, value);
  }

  /** A bytes field written even when empty (a oneof member has presence). */
  void bytesAlways(int field, byte[] value) {
    tag(field, WIRE_LENGTH_DELIMITED);
    rawVarint(value.length);
    ensure(value.length);
    System.arraycopy(value, 0, buf, pos, value.length);
    pos += value.length;
  }

  /** An int64 (or enum / int32, sign-extended) field: skipped when 0. */
  void int64(int field, long value) {
    if (value == 0) return;
    int64Always(field, value);
  }

  /** An int64 field written even when 0 (a oneof member has presence). */
  void int64Always(int field, long value) {
    tag(field, WIRE_VARINT);
    rawVarint64(value);
  }

  /** A uint32 field: skipped when 0. */
  void uint32(int field, int value) {
    if (value == 0) return;
    tag(field, WIRE_VARINT);
    rawVarint(value);
  }

  /** A bool field written even when false (a oneof member has presence). */
  void boolAlways(int field, boolean value) {
    tag(field, WIRE_VARINT);
    ensure(1);
    buf[pos++] = (byte) (value ? 1 : 0);
  }

  /** A fixed64 field: skipped when 0. */
  void fixed64(int field, long value) {
    if (value == 0) return;
    fixed64Always(field, value);
  }

  /** A fixed64 (or double) field written even when 0. */
  void fixed64Always(int field, long value) {
    tag(field, WIRE_FIXED64);
    ensure(8);
    for (int i = 0; i < 8; i++) buf[pos++] = (byte) (value >>> (8 * i));
  }

  /** A fixed32 field: skipped when 0. */
  void fixed32(int field, int value) {
    if (value == 0) return;
    tag(field, WIRE_FIXED32);
    ensure(4);
    for (int i = 0; i < 4; i++) buf[pos++] = (byte) (value >>> (8 * i));
  }

  private void tag(int field, int wireType) {
    rawVarint((field << 3) | wireType);
  }

  /** {@code value} as an unsigned 32-bit varint. */
  private void rawVarint(int value) {
    ensure(5);
    byte[] b = buf;
    int v = value;
    while ((v & ~0x7F) != 0) {
      b[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
  }

  private void rawVarint64(long value) {
    ensure(10);
    byte[] b = buf;
    long v = value;
    while ((v & ~0x7FL) != 0) {
      b[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
  }

  /** Bytes of {@code value} as an unsigned 32-bit varint. */
  static int varintSize(int value) {
    if ((value & (~0 << 7)) == 0) return 1;
    if ((value & (~0 << 14)) == 0) return 2;
    if ((value & (~0 << 21)) == 0) return 3;
    if ((value & (~0 << 28)) == 0) return 4;
    return 5;
  }

  private void ensure(int more) {
    if (buf.length - pos >= more) return;
    long wanted = Math.max((long) buf.length * 2, (long) pos + more);
    if (wanted > Integer.MAX_VALUE - 8) {
      if ((long) pos + more > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("protobuf message larger than 2 GiB");
      }
      wanted = Integer.MAX_VALUE - 8;
    }
    buf = Arrays.copyOf(buf, (int) wanted);
  }
}
