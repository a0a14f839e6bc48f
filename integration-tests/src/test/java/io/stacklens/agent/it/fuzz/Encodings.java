package io.stacklens.agent.it.fuzz;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Content-Encoding variants of a body: valid gzip (and zstd where the receiver takes it), truncated
 * or corrupted streams, gzip inside gzip, several gzip members, decompression bombs, and headers
 * that name an encoding the body does not have. Bombs are made once per size and kept.
 */
final class Encodings {
  private static final Map<String, byte[]> BOMBS = new ConcurrentHashMap<>();
  static final long[] BOMB_SIZES = {21L << 20, 64L << 20, 1L << 30};

  private Encodings() {}

  /** An encoded body and its {@code Content-Encoding} header value. */
  record Encoded(String contentEncoding, byte[] body, String description) {}

  /**
   * A random encoding of {@code body}. {@code zstd}: the receiver accepts zstd; {@code grpc}: gzip
   * only, and the header must be "gzip" (gRPC has no other way to say it).
   */
  static Encoded encode(SplittableRandom r, byte[] body, boolean zstd, boolean grpc) {
    int choice = r.nextInt(grpc ? 6 : 11);
    switch (choice) {
      case 0, 1 -> {
        return new Encoded("gzip", gzip(body), "gzip");
      }
      case 2 -> {
        byte[] g = gzip(body);
        int cut = g.length <= 1 ? 0 : r.nextInt(g.length - 1);
        return new Encoded(
            "gzip",
            Arrays.copyOf(g, cut),
            "gzip truncated to " + cut + " of " + g.length + " bytes");
      }
      case 3 -> {
        byte[] g = gzip(body);
        int at =
            r.nextBoolean() ? g.length - 1 - r.nextInt(Math.min(8, g.length)) : r.nextInt(g.length);
        g[at] ^= (byte) (1 + r.nextInt(255));
        return new Encoded("gzip", g, "gzip with byte " + at + " corrupted");
      }
      case 4 -> {
        long size = BOMB_SIZES[r.nextInt(BOMB_SIZES.length)];
        return new Encoded("gzip", gzipBomb(size), "gzip bomb: " + (size >> 20) + " MiB of zeros");
      }
      case 5 -> {
        byte[] two = ByteMutations.splice(gzip(body), 0, 0, gzip(body));
        return new Encoded("gzip", two, "two gzip members of the body");
      }
      case 6 -> {
        return new Encoded("gzip", gzip(gzip(body)), "gzip inside gzip");
      }
      case 7 -> {
        return new Encoded("gzip", body, "says gzip, is not");
      }
      case 8 -> {
        String[] names = {
          "br", "deflate", "gzip, gzip", "GZIP", "x-gzip", "identity", "zstd", "compress", ""
        };
        String name = names[r.nextInt(names.length)];
        boolean compressed = name.toLowerCase(java.util.Locale.ROOT).contains("gzip");
        return new Encoded(name, compressed ? gzip(body) : body, "Content-Encoding '" + name + "'");
      }
      default -> {
        if (!zstd) return new Encoded("zstd", Zstd.compress(body), "zstd where only gzip is taken");
        return switch (r.nextInt(3)) {
          case 0 -> new Encoded("zstd", Zstd.compress(body), "zstd");
          case 1 -> {
            byte[] z = Zstd.compress(body);
            int cut = z.length <= 1 ? 0 : r.nextInt(z.length - 1);
            yield new Encoded(
                "zstd",
                Arrays.copyOf(z, cut),
                "zstd truncated to " + cut + " of " + z.length + " bytes");
          }
          default -> {
            long size = BOMB_SIZES[r.nextInt(BOMB_SIZES.length)];
            yield new Encoded(
                "zstd", zstdBomb(size), "zstd bomb: " + (size >> 20) + " MiB of zeros");
          }
        };
      }
    }
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** gzip of {@code size} zero bytes (best compression), made once per size. */
  static byte[] gzipBomb(long size) {
    return BOMBS.computeIfAbsent(
        "gzip-" + size,
        k -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          byte[] zeros = new byte[1 << 20];
          try (GZIPOutputStream gz =
              new GZIPOutputStream(out, 1 << 16) {
                {
                  def.setLevel(Deflater.BEST_COMPRESSION);
                }
              }) {
            for (long done = 0; done < size; done += zeros.length)
              gz.write(zeros, 0, (int) Math.min(zeros.length, size - done));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return out.toByteArray();
        });
  }

  /** zstd of {@code size} zero bytes, made once per size. */
  static byte[] zstdBomb(long size) {
    return BOMBS.computeIfAbsent(
        "zstd-" + size,
        k -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          byte[] zeros = new byte[1 << 20];
          try (ZstdOutputStream z = new ZstdOutputStream(out, 19)) {
            for (long done = 0; done < size; done += zeros.length)
              z.write(zeros, 0, (int) Math.min(zeros.length, size - done));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return out.toByteArray();
        });
  }
}
