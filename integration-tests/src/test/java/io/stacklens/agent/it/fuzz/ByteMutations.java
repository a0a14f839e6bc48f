package io.stacklens.agent.it.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Format-blind mutations: bit flips, byte inserts, deletes and overwrites, truncation, splicing,
 * duplication.
 */
final class ByteMutations {
  private static final byte[] INTERESTING = {
    0,
    1,
    0x7F,
    (byte) 0x80,
    (byte) 0xFF,
    (byte) 0xFE,
    0x0A,
    0x12,
    0x1A,
    0x22,
    '{',
    '}',
    '[',
    ']',
    '"',
    '\\',
    ',',
    ':',
    '\n'
  };

  private ByteMutations() {}

  /**
   * One mutation of {@code in}, described in {@code what[0]}. {@code other} is a second seed for
   * splicing.
   */
  static byte[] mutate(SplittableRandom r, byte[] in, byte[] other, String[] what) {
    if (in.length == 0) {
      what[0] = "insert into empty";
      return randomBytes(r, 1 + r.nextInt(16));
    }
    switch (r.nextInt(9)) {
      case 0 -> {
        byte[] out = in.clone();
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
        what[0] = flips + " bit flips";
        return out;
      }
      case 1 -> {
        int at = r.nextInt(in.length + 1);
        byte[] ins =
            r.nextBoolean()
                ? randomBytes(r, 1 + r.nextInt(8))
                : new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]};
        what[0] = "insert " + ins.length + " bytes at " + at;
        return splice(in, at, at, ins);
      }
      case 2 -> {
        int at = r.nextInt(in.length);
        int n = 1 + r.nextInt(Math.min(in.length - at, r.nextBoolean() ? 4 : 256));
        what[0] = "delete " + n + " bytes at " + at;
        return splice(in, at, at + n, new byte[0]);
      }
      case 3 -> {
        byte[] out = in.clone();
        int at = r.nextInt(out.length);
        int n = 1 + r.nextInt(Math.min(out.length - at, 8));
        for (int i = 0; i < n; i++)
          out[at + i] =
              r.nextBoolean() ? (byte) r.nextInt(256) : INTERESTING[r.nextInt(INTERESTING.length)];
        what[0] = "overwrite " + n + " bytes at " + at;
        return out;
      }
      case 4 -> {
        int at = r.nextInt(in.length);
        what[0] = "truncate to " + at + " of " + in.length + " bytes";
        return Arrays.copyOf(in, at);
      }
      case 5 -> {
        int a = r.nextInt(in.length + 1);
        int b = other.length == 0 ? 0 : r.nextInt(other.length + 1);
        what[0] = "splice first " + a + " bytes with the other seed from " + b;
        byte[] out = Arrays.copyOf(in, a + other.length - b);
        System.arraycopy(other, b, out, a, other.length - b);
        return out;
      }
      case 6 -> {
        int from = r.nextInt(in.length);
        int n = 1 + r.nextInt(Math.min(in.length - from, 512));
        int times = r.nextInt(4) == 0 ? 2 + r.nextInt(100) : 1;
        byte[] region = Arrays.copyOfRange(in, from, from + n);
        byte[] rep = new byte[n * times];
        for (int i = 0; i < times; i++) System.arraycopy(region, 0, rep, i * n, n);
        what[0] = "duplicate " + n + " bytes at " + from + " x" + times;
        return splice(in, from + n, from + n, rep);
      }
      case 7 -> {
        int at = r.nextInt(in.length + 1);
        byte[] varint =
            switch (r.nextInt(3)) {
              case 0 -> new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
              case 1 ->
                  new byte[] {
                    (byte) 0xFF,
                    (byte) 0xFF,
                    (byte) 0xFF,
                    (byte) 0xFF,
                    (byte) 0xFF,
                    (byte) 0xFF,
                    (byte) 0xFF,
                    (byte) 0xFF,
                    (byte) 0xFF,
                    0x01
                  };
              default ->
                  new byte[] {
                    (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80
                  };
            };
        what[0] = "varint garbage (" + varint.length + " bytes) at " + at;
        return splice(in, at, at, varint);
      }
      default -> {
        int at = r.nextInt(in.length);
        what[0] = "swap halves at " + at;
        byte[] out = new byte[in.length];
        System.arraycopy(in, at, out, 0, in.length - at);
        System.arraycopy(in, 0, out, in.length - at, at);
        return out;
      }
    }
  }

  static byte[] splice(byte[] in, int from, int to, byte[] with) {
    byte[] out = new byte[in.length - (to - from) + with.length];
    System.arraycopy(in, 0, out, 0, from);
    System.arraycopy(with, 0, out, from, with.length);
    System.arraycopy(in, to, out, from + with.length, in.length - to);
    return out;
  }

  static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
