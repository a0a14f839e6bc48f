package io.stacklens.agent.otlp;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.grpc.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * zstd as a gRPC message encoding ({@code grpc-encoding: zstd}), which gRPC Java does not ship: the
 * {@code otlp} exporter compresses with it, the {@code otlp} receiver reads it. The stream reads
 * nothing until it is read, so broken zstd surfaces where the receiver's marshaller can answer it
 * INVALID_ARGUMENT.
 */
public enum GrpcZstd implements Codec {
  INSTANCE;

  @Override
  public String getMessageEncoding() {
    return "zstd";
  }

  @Override
  public OutputStream compress(OutputStream os) throws IOException {
    return new ZstdOutputStream(os);
  }

  @Override
  public InputStream decompress(InputStream is) throws IOException {
    return new ZstdInputStream(is);
  }
}
