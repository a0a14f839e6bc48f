package io.stacklens.agent.otlp;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of strings encoded lately, in a direct-mapped table: for attribute keys, which
 * repeat from record to record (the decoder even hands out one {@code String} per key, see {@link
 * KeyCache}), so that their bytes are copied rather than encoded again. Strings over {@value
 * #MAX_CHARS} chars are not kept. One per thread: not thread-safe.
 */
final class RecentStrings {
  private static final int SLOTS = 256;
  private static final int MAX_CHARS = 64;

  private final String[] strings = new String[SLOTS];
  private final byte[][] utf8 = new byte[SLOTS][];

  /**
   * The bytes of {@code s} as {@link String#getBytes} writes them in UTF-8, or null when {@code s}
   * is too long to keep.
   */
  byte[] utf8(String s) {
    if (s.length() > MAX_CHARS) return null;
    int slot = s.hashCode() & (SLOTS - 1);
    String kept = strings[slot];
    if (s.equals(kept)) return utf8[slot]; // the same String first, in equals itself
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    strings[slot] = s;
    utf8[slot] = bytes;
    return bytes;
  }
}
