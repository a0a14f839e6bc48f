package io.stacklens.exporter.codec.jsonlines;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.google.protobuf.ByteString;
import java.io.IOException;

/**
 * Per-thread scratch state for writing {@code json_lines} fields without allocating per record: a
 * timestamp formatter and a char buffer for hex ids. Not thread-safe.
 */
final class LineWriter {
  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  private final Timestamps timestamps = new Timestamps();
  private final char[] hex = new char[64];

  /** Writes {@code field: "<RFC 3339 time>"}. */
  void writeTimestamp(SerializableString field, long unixNanos, JsonGenerator gen)
      throws IOException {
    int n = timestamps.format(unixNanos);
    gen.writeFieldName(field);
    gen.writeString(timestamps.chars(), 0, n);
  }

  /** Writes {@code field: "<lower-case hex>"} unless the id is absent (null or empty). */
  void writeHex(SerializableString field, byte[] id, JsonGenerator gen) throws IOException {
    if (id == null || id.length == 0) return;
    char[] out = id.length * 2 <= hex.length ? hex : new char[id.length * 2];
    for (int i = 0; i < id.length; i++) {
      out[2 * i] = HEX_DIGITS[(id[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX_DIGITS[id[i] & 0xf];
    }
    gen.writeFieldName(field);
    gen.writeString(out, 0, id.length * 2);
  }

  void writeHex(SerializableString field, ByteString id, JsonGenerator gen) throws IOException {
    if (id.isEmpty()) return;
    char[] out = id.size() * 2 <= hex.length ? hex : new char[id.size() * 2];
    for (int i = 0; i < id.size(); i++) {
      byte b = id.byteAt(i);
      out[2 * i] = HEX_DIGITS[(b >> 4) & 0xf];
      out[2 * i + 1] = HEX_DIGITS[b & 0xf];
    }
    gen.writeFieldName(field);
    gen.writeString(out, 0, id.size() * 2);
  }
}
