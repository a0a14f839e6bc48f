package io.stacklens.receiver.http;

import com.github.luben.zstd.ZstdInputStream;
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
 * producing more than a limit of bytes, so a small compressed body cannot expand without bound. Each
 * receiver names the {@code Content-Encoding} values it accepts (no encoding and {@code identity}
 * always are); a failure carries the HTTP status to answer: 415, 413 or 400.
 */
public final class BodyDecoding {
  /** The decompressors this class knows. */
  public enum Codec {
    GZIP("gzip"),
    ZSTD("zstd");

    private final String id;

    Codec(String id) {
      this.id = id;
    }

    InputStream open(byte[] body) throws IOException {
      ByteArrayInputStream raw = new ByteArrayInputStream(body);
      return this == GZIP ? new GZIPInputStream(raw) : new ZstdInputStream(raw);
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
   * @param limitOption the config option that sets the limit, named in the 413 message; null for none
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

  public byte[] decode(String contentEncoding, byte[] body, int limit) throws Failure {
    String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    if (encoding.isEmpty() || encoding.equals("identity")) return body;
    Codec codec = accepted.get(encoding);
    if (codec == null) {
      throw new Failure(415, "Content-Encoding '" + contentEncoding + "' is not supported; use " + supported);
    }
    try (InputStream in = codec.open(body)) {
      byte[] out = in.readNBytes(limit);
      if (out.length == limit && in.read() != -1) {
        throw new Failure(413, "request body is larger than the limit of " + limit + " bytes after " + codec.id
            + " decompression" + limitHint);
      }
      return out;
    } catch (IOException e) {
      throw new Failure(400, "request body is not valid " + codec.id + " data: " + e.getMessage());
    }
  }
}
