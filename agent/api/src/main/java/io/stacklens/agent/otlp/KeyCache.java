package io.stacklens.agent.otlp;

import java.util.Arrays;

/**
 * The attribute keys a decoding thread met last, by their UTF-8 bytes: a request's records repeat
 * the same few keys ({@code http.request.method}, {@code user.id}...), so most keys are found here
 * and neither decoded nor allocated again. Direct-mapped: {@value #SLOTS} slots chosen by a hash of
 * the bytes, a newer key replacing an older one in its slot. One instance per thread ({@link
 * #forThisThread}); not thread-safe. Bounded: at most {@value #SLOTS} keys of at most {@value
 * #MAX_KEY_BYTES} bytes, about 70 KiB per decoding thread. The strings it hands out are immutable
 * and may be shared.
 */
final class KeyCache {
  /** Keys longer than this are decoded each time: long keys are rare and costly to compare. */
  static final int MAX_KEY_BYTES = 64;

  private static final int SLOTS = 512;
  private static final ThreadLocal<KeyCache> PER_THREAD = ThreadLocal.withInitial(KeyCache::new);

  private final byte[][] keyBytes = new byte[SLOTS][];
  private final String[] keys = new String[SLOTS];

  static KeyCache forThisThread() {
    return PER_THREAD.get();
  }

  /** The cached key whose UTF-8 is {@code bytes[from, from + length)}, or null. */
  String find(byte[] bytes, int from, int length) {
    int slot = slot(bytes, from, length);
    byte[] cached = keyBytes[slot];
    if (cached != null
        && cached.length == length
        && Arrays.equals(cached, 0, length, bytes, from, from + length)) {
      return keys[slot];
    }
    return null;
  }

  /** Remembers {@code key}, whose (valid) UTF-8 is {@code bytes[from, from + length)}. */
  void put(byte[] bytes, int from, int length, String key) {
    int slot = slot(bytes, from, length);
    keyBytes[slot] = Arrays.copyOfRange(bytes, from, from + length);
    keys[slot] = key;
  }

  /**
   * The slot of a key: from its length and its first, middle and last bytes, cheap to compute (keys
   * that share these only share a slot; {@link #find} compares every byte).
   */
  private static int slot(byte[] bytes, int from, int length) {
    int h = length * 0x9E3779B1;
    h += bytes[from] * 31 + bytes[from + (length >> 1)] * 961 + bytes[from + length - 1] * 29791;
    h ^= h >>> 15;
    return h & (SLOTS - 1);
  }
}
