package io.stacklens.receiver.http;

import com.github.luben.zstd.ZstdInputStream;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.limits.DecodeBudget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Undoes an HTTP request's {@code Content-Encoding} for the receivers that take HTTP bodies, never
 * producing more than a limit of bytes, so a small compressed body cannot expand without bound.
 * Each receiver names the {@code Content-Encoding} values it accepts (no encoding and {@code
 * identity} always are); a failure carries the HTTP status to answer: 415, 413 or 400.
 */
public final class BodyDecoding {
  /** Largest zstd window accepted: 8 MiB. A frame that needs more is answered 400. */
  static final int ZSTD_WINDOW_LOG_MAX = 23;

  /**
   * A decoded body and the bytes of the memory budget it holds (0 when the body was not compressed:
   * the server counted the body itself). Call {@link #release()} once the body is no longer needed.
   */
  public static final class Decoded {
    private final byte[] bytes;
    private final MemoryLimiter memory;
    private long reserved;

    Decoded(byte[] bytes, MemoryLimiter memory, long reserved) {
      this.bytes = bytes;
      this.memory = memory;
      this.reserved = reserved;
    }

    public byte[] bytes() {
      return bytes;
    }

    /** Gives the decompressed body's share of the budget back; idempotent. */
    public void release() {
      memory.release(reserved);
      reserved = 0;
    }
  }

  /** The decompressors this class knows. */
  public enum Codec {
    GZIP("gzip"),
    ZSTD("zstd");

    private final String id;

    Codec(String id) {
      this.id = id;
    }

    /**
     * The decompressed size to expect, so the output is allocated once instead of doubling (a
     * doubling buffer holds both arrays while it copies): gzip's trailer states it (modulo 2^32);
     * for zstd, four times the compressed size.
     */
    long sizeHint(byte[] body) {
      if (this == GZIP && body.length >= 18) {
        int n = body.length;
        long isize =
            (body[n - 4] & 0xffL)
                | (body[n - 3] & 0xffL) << 8
                | (body[n - 2] & 0xffL) << 16
                | (body[n - 1] & 0xffL) << 24;
        if (isize > 0) return isize + 1; // one more byte, so reading the end does not make it grow
      }
      return body.length * 4L;
    }

    InputStream open(byte[] body) throws IOException {
      ByteArrayInputStream raw = new ByteArrayInputStream(body);
      // A zstd frame declares the window its decoder must allocate (natively, outside the heap);
      // without
      // a cap a 20-byte frame can demand 128 MiB. 2^23 covers every standard level up to 19.
      return this == GZIP
          ? new GZIPInputStream(raw)
          : new ZstdInputStream(raw).setLongMax(ZSTD_WINDOW_LOG_MAX);
    }
  }

  /** Why a body could not be decoded, with the HTTP status to answer (415, 413 or 400). */
  public static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    Failure(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Map<String, Codec> accepted;
  private final String limitHint;
  private final String supported;

  /**
   * @param accepted {@code Content-Encoding} values (lower case) and the codec each means
   * @param limitOption the config option that sets the limit, named in the 413 message; null for
   *     none
   */
  public BodyDecoding(Map<String, Codec> accepted, String limitOption) {
    this.accepted = Map.copyOf(accepted);
    this.limitHint = limitOption == null ? "" : " (" + limitOption + ")";
    List<String> names = new ArrayList<>();
    for (Codec c : Codec.values()) {
      if (accepted.containsValue(c)) names.add(c.id);
    }
    this.supported = String.join(", ", names) + " or none";
  }

  /** {@link #decode(String, byte[], int, MemoryLimiter)} without a memory budget. */
  public byte[] decode(String contentEncoding, byte[] body, int limit) throws Failure {
    return decode(contentEncoding, body, limit, MemoryLimiter.unlimited()).bytes();
  }

  /**
   * Undoes {@code contentEncoding}, never producing more than {@code limit} bytes (413 past it),
   * and counting the decompressed bytes against {@code memory} as they grow (429 when the budget
   * cannot hold them). The caller releases the result once done with it.
   */
  public Decoded decode(String contentEncoding, byte[] body, int limit, MemoryLimiter memory)
      throws Failure {
    String encoding =
        contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    if (encoding.isEmpty() || encoding.equals("identity")) return new Decoded(body, memory, 0);
    Codec codec = accepted.get(encoding);
    if (codec == null) {
      throw new Failure(
          415, "Content-Encoding '" + contentEncoding + "' is not supported; use " + supported);
    }
    Growing out = new Growing(memory, limit, codec.sizeHint(body));
    try (InputStream in = codec.open(body)) {
      while (true) {
        if (out.full()) {
          if (out.length == limit) {
            if (in.read() == -1) break;
            throw new Failure(
                413,
                "request body is larger than the limit of "
                    + limit
                    + " bytes after "
                    + codec.id
                    + " decompression"
                    + limitHint);
          }
          out.grow();
        }
        int n = in.read(out.buffer, out.length, out.buffer.length - out.length);
        if (n < 0) break;
        out.length += n;
      }
      return out.finish();
    } catch (IOException e) {
      out.abandon();
      throw new Failure(400, "request body is not valid " + codec.id + " data: " + e.getMessage());
    } catch (Failure e) {
      out.abandon();
      throw e;
    }
  }

  /**
   * The decompressed bytes so far, in an array that doubles up to the limit; every array is counted
   * in the budget while it lives.
   */
  private static final class Growing {
    final MemoryLimiter memory;
    final int limit;
    byte[] buffer;
    int length;
    long reserved;

    /**
     * @param sizeHint the decompressed size the body claims (it may lie: the buffer still grows or
     *     stops at the limit)
     */
    Growing(MemoryLimiter memory, int limit, long sizeHint) throws Failure {
      this.memory = memory;
      this.limit = limit;
      this.buffer = allocate((int) Math.min(limit, Math.max(64 * 1024L, sizeHint)));
    }

    boolean full() {
      return length == buffer.length;
    }

    void grow() throws Failure {
      byte[] bigger = allocate((int) Math.min(limit, buffer.length * 2L));
      System.arraycopy(buffer, 0, bigger, 0, length);
      memory.release(buffer.length);
      reserved -= buffer.length;
      buffer = bigger;
    }

    private byte[] allocate(int size) throws Failure {
      if (!memory.tryAcquire(size)) {
        throw new Failure(429, DecodeBudget.memoryExhausted(memory).getMessage());
      }
      reserved += size;
      return new byte[size];
    }

    /** The exact bytes; the budget keeps holding their length until the caller releases them. */
    Decoded finish() throws Failure {
      if (length == buffer.length) return new Decoded(buffer, memory, reserved);
      byte[] exact = java.util.Arrays.copyOf(buffer, length);
      memory.release(reserved - length);
      return new Decoded(exact, memory, length);
    }

    void abandon() {
      memory.release(reserved);
      reserved = 0;
    }
  }
}
