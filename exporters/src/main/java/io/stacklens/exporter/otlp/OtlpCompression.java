package io.stacklens.exporter.otlp;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** {@code compression} of the OTLP exporters: how request bodies travel. */
public enum OtlpCompression {
  /** Uncompressed. */
  NONE,
  /** gzip (the default, as in the OpenTelemetry Collector): every OTLP receiver reads it. */
  GZIP,
  /** zstd: smaller and cheaper than gzip; the receiver must understand it. */
  ZSTD;

  /** The name on the wire: {@code Content-Encoding} / {@code grpc-encoding}; null for none. */
  String encoding() {
    return this == NONE ? null : name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code out} wrapped to compress what is written to it. gzip at its fastest level: on telemetry
   * it compresses nearly as well as the default level 6 at a fraction of the CPU, which the agent
   * shares with the application it serves (docs/benchmarks.md, "OTLP forwarding").
   */
  static OutputStream gzip(OutputStream out) throws IOException {
    return new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    };
  }

  /** {@code out} wrapped to compress what is written to it. */
  OutputStream compress(OutputStream out) throws IOException {
    return switch (this) {
      case NONE -> out;
      case GZIP -> gzip(out);
      case ZSTD -> new ZstdOutputStream(out);
    };
  }

  /** {@code body} compressed (itself for {@link #NONE}). */
  byte[] compress(byte[] body) {
    if (this == NONE) return body;
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (OutputStream compressing = compress(out)) {
      compressing.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }
}
