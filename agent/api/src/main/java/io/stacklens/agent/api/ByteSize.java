package io.stacklens.agent.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, written in YAML as {@code 20MiB}, {@code 512KiB}, {@code 1GB} or a plain number
 * of bytes.
 */
public record ByteSize(long bytes) {
  private static final Pattern FORMAT =
      Pattern.compile(
          "\\s*(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib|k|m|g)?\\s*", Pattern.CASE_INSENSITIVE);

  /** Throws {@link IllegalArgumentException} when {@code bytes} is negative. */
  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
  }

  /** {@code mib} mebibytes (1024 × 1024 bytes each). */
  public static ByteSize ofMebibytes(long mib) {
    return new ByteSize(mib * 1024 * 1024);
  }

  /**
   * Parses a number of bytes with an optional case-insensitive unit: {@code kb}, {@code mb}, {@code
   * gb} are powers of 1000; {@code kib}/{@code k}, {@code mib}/{@code m}, {@code gib}/{@code g}
   * powers of 1024. Throws {@link IllegalArgumentException} for any other text, and {@link
   * ArithmeticException} when the size overflows a long.
   */
  public static ByteSize parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a size; use a number of bytes or a unit: 512KiB, 20MiB, 1GiB, 10MB");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long mult =
        switch (unit) {
          case "b" -> 1L;
          case "kb" -> 1000L;
          case "mb" -> 1000L * 1000;
          case "gb" -> 1000L * 1000 * 1000;
          case "k", "kib" -> 1024L;
          case "m", "mib" -> 1024L * 1024;
          case "g", "gib" -> 1024L * 1024 * 1024;
          default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    return new ByteSize(Math.multiplyExact(n, mult));
  }

  @Override
  public String toString() {
    if (bytes > 0 && bytes % (1024L * 1024 * 1024) == 0)
      return bytes / (1024L * 1024 * 1024) + "GiB";
    if (bytes > 0 && bytes % (1024L * 1024) == 0) return bytes / (1024L * 1024) + "MiB";
    if (bytes > 0 && bytes % 1024 == 0) return bytes / 1024 + "KiB";
    return Long.toString(bytes);
  }
}
