package io.stacklens.agent.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.KnownLength;
import io.grpc.Status;
import io.stacklens.agent.data.MemoryLimiter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

class RawRequestMarshallerTest {
  /** An uncompressed gRPC message stream: its size is known. */
  private static final class Known extends ByteArrayInputStream implements KnownLength {
    Known(byte[] bytes) {
      super(bytes);
    }
  }

  /** A decompressing stream: size unknown until read. */
  private static InputStream unknown(byte[] bytes) {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    return new InputStream() {
      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return in.read(b, off, len);
      }
    };
  }

  @Test
  void readsAndReservesAMessageOfKnownSize() {
    MemoryLimiter memory = new MemoryLimiter(1000);
    RawRequest r = new RawRequestMarshaller(memory, 500, "k").parse(new Known(new byte[300]));
    assertThat(r.failed()).isFalse();
    assertThat(r.bytes()).hasSize(300);
    assertThat(r.reserved()).isEqualTo(300);
    assertThat(memory.used()).isEqualTo(300);
    r.release();
    r.release();
    assertThat(memory.used()).isZero();
  }

  @Test
  void aMessageOfKnownSizeTheBudgetCannotHoldIsRefusedRetryable() {
    MemoryLimiter memory = new MemoryLimiter(100);
    RawRequest r = new RawRequestMarshaller(memory, 500, "k").parse(new Known(new byte[300]));
    assertThat(r.failed()).isTrue();
    assertThat(r.failure().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(r.reason()).isEqualTo("memory_limit");
    assertThat(r.retryable()).isTrue();
    assertThat(memory.used()).isZero();
  }

  @Test
  void aDecompressedMessageIsReservedAsItGrowsAndTrimmedToItsSize() {
    MemoryLimiter memory = new MemoryLimiter(10_000_000);
    RawRequest r =
        new RawRequestMarshaller(memory, 1_000_000, "k").parse(unknown(new byte[200_000]));
    assertThat(r.bytes()).hasSize(200_000);
    assertThat(memory.used()).isEqualTo(200_000);
    r.release();
    assertThat(memory.used()).isZero();
  }

  @Test
  void aDecompressedMessageOutgrowingTheBudgetIsRefusedAndGivesEverythingBack() {
    MemoryLimiter memory = new MemoryLimiter(100_000);
    RawRequest r =
        new RawRequestMarshaller(memory, 1_000_000, "k").parse(unknown(new byte[200_000]));
    assertThat(r.failed()).isTrue();
    assertThat(r.reason()).isEqualTo("memory_limit");
    assertThat(memory.used()).isZero();
  }

  @Test
  void gRpcsSizeCheckWhileDecompressingBecomesTooLargeNamingTheKey() {
    MemoryLimiter memory = new MemoryLimiter(10_000_000);
    InputStream bomb =
        new InputStream() {
          int given;

          @Override
          public int read() {
            if (given++ > 1000)
              throw Status.RESOURCE_EXHAUSTED
                  .withDescription("Decompressed gRPC message exceeds maximum size 1000")
                  .asRuntimeException();
            return 0;
          }
        };
    RawRequest r =
        new RawRequestMarshaller(memory, 1000, "protocols.grpc.max_recv_msg_size").parse(bomb);
    assertThat(r.failure().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(r.failure().getDescription())
        .isEqualTo(
            "the request message is larger than the limit of 1000 bytes after decompression (protocols.grpc.max_recv_msg_size)");
    assertThat(r.reason()).isEqualTo("too_large");
    assertThat(r.retryable()).isFalse();
    assertThat(memory.used()).isZero();
  }

  @Test
  void brokenCompressionIsInvalidArgument() {
    MemoryLimiter memory = new MemoryLimiter(10_000_000);
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new ZipException("Not in GZIP format");
          }
        };
    RawRequest r = new RawRequestMarshaller(memory, 1000, "k").parse(broken);
    assertThat(r.failure().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(r.failure().getDescription())
        .isEqualTo("malformed gzip in the request message: Not in GZIP format");
    assertThat(r.reason()).isEqualTo("malformed_body");
    assertThat(memory.used()).isZero();
  }
}
