package io.stacklens.receiver.otlp;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Undoes the request's {@code Content-Encoding} ({@code gzip}, {@code zstd} or none), never producing
 * more than a limit of bytes, so a small compressed body cannot expand without bound.
 */
final class BodyDecoding {
  /** The encoding is not one we read: HTTP 415. */
  static final class UnsupportedEncoding extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedEncoding(String message) {
      super(message);
    }
  }

  /** The decompressed body exceeds the limit: HTTP 413. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /** The body is not valid data of its declared encoding: HTTP 400. */
  static final class Corrupt extends Exception {
    private static final long serialVersionUID = 1L;

    Corrupt(String message) {
      super(message);
    }
  }

  private BodyDecoding() {}

  static byte[] decode(String contentEncoding, byte[] body, int limit) throws UnsupportedEncoding, TooLarge, Corrupt {
    String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    switch (encoding) {
      case "", "identity":
        return body;
      case "gzip":
        return inflate("gzip", body, limit);
      case "zstd":
        return inflate("zstd", body, limit);
      default:
        throw new UnsupportedEncoding(
            "Content-Encoding '" + contentEncoding + "' is not supported; use gzip, zstd or none");
    }
  }

  private static byte[] inflate(String encoding, byte[] body, int limit) throws TooLarge, Corrupt {
    try (InputStream in = open(encoding, body)) {
      byte[] out = in.readNBytes(limit);
      if (out.length == limit && in.read() != -1) {
        throw new TooLarge(
            "request body is larger than the limit of " + limit + " bytes after " + encoding + " decompression");
      }
      return out;
    } catch (IOException e) {
      throw new Corrupt("request body is not valid " + encoding + " data: " + e.getMessage());
    }
  }

  private static InputStream open(String encoding, byte[] body) throws IOException {
    ByteArrayInputStream raw = new ByteArrayInputStream(body);
    return encoding.equals("gzip") ? new GZIPInputStream(raw) : new ZstdInputStream(raw);
  }
}
