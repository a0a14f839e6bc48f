package io.stacklens.exporter.otlp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bodies compressed by the OTLP exporters come back whole through the standard decompressors. */
class OtlpCompressionTest {
  private static byte[] decompress(OtlpCompression compression, byte[] body) throws IOException {
    InputStream in =
        switch (compression) {
          case NONE -> new ByteArrayInputStream(body);
          case GZIP -> new GZIPInputStream(new ByteArrayInputStream(body));
          case ZSTD -> new ZstdInputStream(new ByteArrayInputStream(body));
        };
    try (in) {
      return in.readAllBytes();
    }
  }

  /** Repetitive text, like an OTLP request: compresses well. */
  private static byte[] logLike(int lines) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      text.append("{\"severity\":\"INFO\",\"body\":\"request ").append(i).append(" served\"}\n");
    }
    return text.toString().getBytes(UTF_8);
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  @ParameterizedTest
  @EnumSource(OtlpCompression.class)
  void aBodyComesBackWhole(OtlpCompression compression) throws IOException {
    byte[] body = logLike(5000);

    assertThat(decompress(compression, compression.compress(body))).isEqualTo(body);
  }

  @ParameterizedTest
  @EnumSource(OtlpCompression.class)
  void anEmptyBodyComesBackEmpty(OtlpCompression compression) throws IOException {
    assertThat(decompress(compression, compression.compress(new byte[0]))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(OtlpCompression.class)
  void incompressibleBytesComeBackWhole(OtlpCompression compression) throws IOException {
    byte[] body = random(300_000);

    assertThat(decompress(compression, compression.compress(body))).isEqualTo(body);
  }

  @ParameterizedTest
  @EnumSource(OtlpCompression.class)
  void theStreamFormWritesWhatTheArrayFormWrites(OtlpCompression compression) throws IOException {
    byte[] body = logLike(1000);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = compression.compress(sink)) {
      out.write(body, 0, 100);
      out.write(body, 100, body.length - 100);
    }

    assertThat(decompress(compression, sink.toByteArray())).isEqualTo(body);
  }

  @Test
  void gzipAndZstdMakeRepetitiveBodiesSmaller() {
    byte[] body = logLike(5000);

    assertThat(OtlpCompression.GZIP.compress(body).length).isLessThan(body.length / 4);
    assertThat(OtlpCompression.ZSTD.compress(body).length).isLessThan(body.length / 4);
  }

  @Test
  void noneLeavesTheBodyAsItIs() {
    byte[] body = logLike(3);

    assertThat(OtlpCompression.NONE.compress(body)).isSameAs(body);
  }

  @Test
  void theWireNamesAreLowerCaseAndNoneHasNone() {
    assertThat(OtlpCompression.GZIP.encoding()).isEqualTo("gzip");
    assertThat(OtlpCompression.ZSTD.encoding()).isEqualTo("zstd");
    assertThat(OtlpCompression.NONE.encoding()).isNull();
  }
}
