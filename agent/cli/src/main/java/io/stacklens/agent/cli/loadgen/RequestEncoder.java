package io.stacklens.agent.cli.loadgen;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.stacklens.agent.otlp.OtlpJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Encodes a request once into the bytes sent on the wire for OTLP/HTTP. */
final class RequestEncoder {
  private final Encoding encoding;
  private final boolean gzip;

  RequestEncoder(Encoding encoding, boolean gzip) {
    this.encoding = encoding;
    this.gzip = gzip;
  }

  byte[] encode(ExportLogsServiceRequest request) {
    byte[] plain =
        switch (encoding) {
          case PROTO -> request.toByteArray();
          case JSON -> OtlpJson.toJsonBytes(request);
        };
    return gzip ? gzip(plain) : plain;
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip of an in-memory request failed", e);
    }
    return out.toByteArray();
  }
}
