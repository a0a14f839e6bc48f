package io.stacklens.processor.filter;

/**
 * A seeded 64-bit hash of sampling keys: FNV-1a over the seed's 8 bytes (little-endian) and then
 * the key's bytes (UTF-8 for text, computed on the fly without allocating), finished with the
 * 64-bit avalanche step of MurmurHash3 so every output bit depends on every input bit. Stable
 * across runs, hosts and versions: the same key and seed always give the same hash.
 */
final class KeyHash {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private KeyHash() {}

  /** The state after hashing the seed; pass it to the other methods. */
  static long seeded(long seed) {
    long h = OFFSET;
    for (int i = 0; i < 8; i++) {
      h = (h ^ ((seed >>> (8 * i)) & 0xff)) * PRIME;
    }
    return h;
  }

  static long hashBytes(long state, byte[] bytes) {
    long h = state;
    for (byte b : bytes) h = (h ^ (b & 0xff)) * PRIME;
    return finish(h);
  }

  /**
   * Hashes the UTF-8 encoding of {@code s} (unpaired surrogates encode as '?', like
   * String.getBytes).
   */
  static long hashString(long state, CharSequence s) {
    long h = state;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        h = (h ^ c) * PRIME;
      } else if (c < 0x800) {
        h = (h ^ (0xc0 | (c >> 6))) * PRIME;
        h = (h ^ (0x80 | (c & 0x3f))) * PRIME;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        h = (h ^ (0xf0 | (cp >> 18))) * PRIME;
        h = (h ^ (0x80 | ((cp >> 12) & 0x3f))) * PRIME;
        h = (h ^ (0x80 | ((cp >> 6) & 0x3f))) * PRIME;
        h = (h ^ (0x80 | (cp & 0x3f))) * PRIME;
      } else if (Character.isSurrogate(c)) {
        h = (h ^ '?') * PRIME;
      } else {
        h = (h ^ (0xe0 | (c >> 12))) * PRIME;
        h = (h ^ (0x80 | ((c >> 6) & 0x3f))) * PRIME;
        h = (h ^ (0x80 | (c & 0x3f))) * PRIME;
      }
    }
    return finish(h);
  }

  /** MurmurHash3's fmix64. */
  static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
