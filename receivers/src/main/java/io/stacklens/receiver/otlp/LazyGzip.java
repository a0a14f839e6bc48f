package io.stacklens.receiver.otlp;

import io.grpc.Decompressor;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * gRPC's gzip decompressor, except that the gzip header is read on the first read instead of when
 * the stream is opened. gRPC opens the stream in its own deframer, where a bad header ("gzip" that
 * is not gzip) becomes an UNKNOWN status; read lazily, the error reaches our marshaller, which
 * answers INVALID_ARGUMENT "malformed gzip ...".
 */
final class LazyGzip implements Decompressor {
  @Override
  public String getMessageEncoding() {
    return "gzip";
  }

  @Override
  public InputStream decompress(InputStream compressed) {
    return new InputStream() {
      private InputStream gzip;

      private InputStream gzip() throws IOException {
        if (gzip == null) gzip = new GZIPInputStream(compressed);
        return gzip;
      }

      @Override
      public int read() throws IOException {
        return gzip().read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return gzip().read(b, off, len);
      }

      @Override
      public void close() throws IOException {
        if (gzip != null) gzip.close();
        else compressed.close();
      }
    };
  }
}
