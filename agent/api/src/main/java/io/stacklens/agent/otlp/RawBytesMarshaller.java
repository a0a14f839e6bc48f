package io.stacklens.agent.otlp;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A gRPC marshaller that passes message bytes through undecoded. The OTLP receiver uses it to
 * decode requests itself (straight into the model, and to answer malformed ones INVALID_ARGUMENT);
 * the load generator uses it to send requests encoded once.
 */
public enum RawBytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  INSTANCE;

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw Status.INTERNAL
          .withDescription("cannot read message: " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    }
  }

  /** {@code method} with raw bytes as requests (its responses unchanged). */
  public static <R> MethodDescriptor<byte[], R> rawRequests(MethodDescriptor<?, R> method) {
    return method.toBuilder(INSTANCE, method.getResponseMarshaller()).build();
  }
}
