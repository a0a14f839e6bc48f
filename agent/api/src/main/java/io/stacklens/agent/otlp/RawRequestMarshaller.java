package io.stacklens.agent.otlp;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stacklens.agent.data.MemoryLimiter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The server side of {@link RawBytesMarshaller}: reads a request message into a {@link RawRequest},
 * counting its bytes against the agent's memory budget as they are read, and turns every way
 * reading can fail into a status instead of an exception:
 *
 * <ul>
 *   <li>the budget cannot hold the message: RESOURCE_EXHAUSTED, retryable ({@code memory_limit});
 *   <li>it decompresses past the size limit (a decompression bomb): RESOURCE_EXHAUSTED naming the
 *       limit's config key ({@code too_large}); the rest is not decompressed;
 *   <li>its compression is broken ("gzip" that is not gzip, truncated): INVALID_ARGUMENT {@code
 *       malformed gzip ...} ({@code malformed_body}).
 * </ul>
 *
 * An uncompressed message over the limit never gets here: gRPC refuses it from its length prefix,
 * before reading it, with RESOURCE_EXHAUSTED.
 */
public final class RawRequestMarshaller implements MethodDescriptor.Marshaller<RawRequest> {
  private static final int CHUNK = 64 * 1024;

  private final MemoryLimiter memory;
  private final int maxMessageBytes;
  private final String sizeKey;

  /**
   * @param maxMessageBytes the size limit gRPC enforces (its {@code maxInboundMessageSize}), for
   *     messages
   * @param sizeKey the config key of that limit, e.g. {@code protocols.grpc.max_recv_msg_size}
   */
  public RawRequestMarshaller(MemoryLimiter memory, int maxMessageBytes, String sizeKey) {
    this.memory = memory;
    this.maxMessageBytes = maxMessageBytes;
    this.sizeKey = sizeKey;
  }

  /** {@code method} with {@link RawRequest}s as requests (its responses unchanged). */
  public <R> MethodDescriptor<RawRequest, R> rawRequests(MethodDescriptor<?, R> method) {
    return method.toBuilder(this, method.getResponseMarshaller()).build();
  }

  @Override
  public InputStream stream(RawRequest value) {
    return new ByteArrayInputStream(value.bytes());
  }

  @Override
  public RawRequest parse(InputStream stream) {
    long reserved = 0;
    try {
      if (stream instanceof KnownLength) {
        // Not compressed: gRPC knows the size and already held it to the limit.
        int size = stream.available();
        if (!memory.tryAcquire(size)) return overBudget(size);
        reserved = size;
        byte[] bytes =
            new byte[size]; // read in place: readNBytes would gather chunks and copy them again
        int read = 0;
        while (read < size) {
          int n = stream.read(bytes, read, size - read);
          if (n < 0) break;
          read += n;
        }
        if (read < size) bytes = Arrays.copyOf(bytes, read);
        return RawRequest.of(bytes, memory, reserved);
      }
      // Compressed: the size is known only once decompressed. The buffer doubles from 64KiB up to
      // the
      // limit (gRPC's stream throws past it), and each growth is reserved before it is allocated.
      byte[] buffer = new byte[0];
      int length = 0;
      while (true) {
        if (length == buffer.length) {
          long grow =
              Math.min(
                  buffer.length == 0 ? CHUNK : buffer.length,
                  (long) maxMessageBytes + 1 - buffer.length);
          grow = Math.min(grow, Integer.MAX_VALUE - 8L - buffer.length);
          if (grow <= 0) throw Status.RESOURCE_EXHAUSTED.asRuntimeException();
          // The old array lives on while it is copied into the new one: reserve the whole new one
          // first.
          long bigger = buffer.length + grow;
          if (!memory.tryAcquire(bigger)) {
            memory.release(reserved);
            reserved = 0;
            return overBudget(bigger);
          }
          buffer = Arrays.copyOf(buffer, (int) bigger);
          memory.release(reserved);
          reserved = bigger;
        }
        int n = stream.read(buffer, length, buffer.length - length);
        if (n < 0) break;
        length += n;
      }
      byte[] bytes = buffer;
      if (length < buffer.length) {
        if (!memory.tryAcquire(length)) { // the exact copy, beside the buffer it comes from
          memory.release(reserved);
          reserved = 0;
          return overBudget(length);
        }
        bytes = Arrays.copyOf(buffer, length);
        memory.release(reserved);
        reserved = length;
      }
      return RawRequest.of(bytes, memory, reserved);
    } catch (StatusRuntimeException e) {
      memory.release(reserved);
      if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        // gRPC's size check on the decompressing stream: a decompression bomb, or just too big.
        return RawRequest.failed(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "the request message is larger than the limit of "
                    + maxMessageBytes
                    + " bytes after decompression ("
                    + sizeKey
                    + ")"),
            "too_large",
            false);
      }
      return RawRequest.failed(e.getStatus(), "malformed_body", false);
    } catch (IOException e) {
      memory.release(reserved);
      return RawRequest.failed(
          Status.INVALID_ARGUMENT.withDescription(
              "malformed gzip in the request message: " + e.getMessage()),
          "malformed_body",
          false);
    } catch (RuntimeException e) {
      memory.release(reserved);
      return RawRequest.failed(
          Status.INVALID_ARGUMENT.withDescription("cannot read the request message: " + e),
          "malformed_body",
          false);
    }
  }

  private static RawRequest overBudget(long bytes) {
    return RawRequest.failed(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "the agent's memory budget cannot hold a request message of "
                + bytes
                + " bytes now; retry later"),
        "memory_limit",
        true);
  }
}
