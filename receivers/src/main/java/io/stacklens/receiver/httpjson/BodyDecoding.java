package io.stacklens.receiver.httpjson;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Undoes {@code Content-Encoding: gzip} (or none), never producing more than a limit of bytes. */
final class BodyDecoding {
  /** Why a body could not be decoded, with the HTTP status to answer. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Failure(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private BodyDecoding() {}

  static byte[] decode(String contentEncoding, byte[] body, int limit) throws Failure {
    String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    switch (encoding) {
      case "", "identity":
        return body;
      case "gzip", "x-gzip":
        return gunzip(body, limit);
      default:
        throw new Failure(415, "Content-Encoding '" + contentEncoding + "' is not supported; use gzip or none");
    }
  }

  private static byte[] gunzip(byte[] body, int limit) throws Failure {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      byte[] out = in.readNBytes(limit);
      if (out.length == limit && in.read() != -1) {
        throw new Failure(413, "request body is larger than the limit of " + limit
            + " bytes after gzip decompression (max_request_body_size)");
      }
      return out;
    } catch (IOException e) {
      throw new Failure(400, "request body is not valid gzip data: " + e.getMessage());
    }
  }
}
