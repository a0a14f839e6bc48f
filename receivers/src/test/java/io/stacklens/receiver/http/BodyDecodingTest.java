package io.stacklens.receiver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import io.stacklens.agent.data.MemoryLimiter;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyDecodingTest {
  private final BodyDecoding decoding =
      new BodyDecoding(
          Map.of("gzip", BodyDecoding.Codec.GZIP, "zstd", BodyDecoding.Codec.ZSTD),
          "max_request_body_size");

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void decompressesAndHoldsTheBodysLengthInTheBudgetUntilReleased() throws Exception {
    byte[] data = "hello ".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    MemoryLimiter memory = new MemoryLimiter(10_000_000);

    BodyDecoding.Decoded d = decoding.decode("gzip", gzip(data), 20 << 20, memory);

    assertThat(d.bytes()).isEqualTo(data);
    assertThat(memory.used()).isEqualTo(data.length);
    d.release();
    d.release();
    assertThat(memory.used()).isZero();
  }

  @Test
  void aBombPastTheLimitIs413AndGivesEverythingBack() throws Exception {
    byte[] bomb = gzip(new byte[30 << 20]);
    MemoryLimiter memory = new MemoryLimiter(100_000_000);

    assertThatThrownBy(() -> decoding.decode("gzip", bomb, 20 << 20, memory))
        .isInstanceOfSatisfying(
            BodyDecoding.Failure.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.getMessage())
                  .contains("after gzip decompression (max_request_body_size)");
            });
    assertThat(memory.used()).isZero();
  }

  @Test
  void aBodyTheBudgetCannotHoldDecompressedIs429() throws Exception {
    byte[] big = gzip(new byte[8 << 20]);
    MemoryLimiter memory = new MemoryLimiter(4 << 20);

    assertThatThrownBy(() -> decoding.decode("gzip", big, 20 << 20, memory))
        .isInstanceOfSatisfying(
            BodyDecoding.Failure.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.getMessage()).contains("service.memory_limiter");
            });
    assertThat(memory.used()).isZero();
  }

  @Test
  void aZstdFrameDemandingAWindowOverEightMebibytesIs400NotANativeAllocation() throws Exception {
    byte[] data = new byte[64 << 10];
    Arrays.fill(data, (byte) 'z');
    // Streamed (size unknown) with a 2^27 window: the frame header asks the decoder for 128 MiB.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(out).setLevel(3).setWindowLog(27)) {
      z.write(data);
    }
    byte[] frame = out.toByteArray();
    byte[] small = Zstd.compress(data, 3);

    assertThat(decoding.decode("zstd", small, 20 << 20, MemoryLimiter.unlimited()).bytes())
        .isEqualTo(data);
    assertThatThrownBy(() -> decoding.decode("zstd", frame, 20 << 20, MemoryLimiter.unlimited()))
        .isInstanceOfSatisfying(
            BodyDecoding.Failure.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).startsWith("request body is not valid zstd data");
            });
  }

  @Test
  void anUncompressedBodyIsPassedThroughWithoutBeingCountedAgain() throws Exception {
    byte[] body = {1, 2, 3};
    MemoryLimiter memory = new MemoryLimiter(1024 * 1024);
    BodyDecoding.Decoded d = decoding.decode(null, body, 10, memory);
    assertThat(d.bytes()).isSameAs(body);
    assertThat(memory.used()).isZero();
  }
}
