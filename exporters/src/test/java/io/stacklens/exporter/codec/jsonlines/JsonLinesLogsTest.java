package io.stacklens.exporter.codec.jsonlines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.exporter.file.TestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte-writing log encoder must produce exactly what the old Jackson encoder produced. */
class JsonLinesLogsTest {
  private static final long SEED = 20_240_501L;

  @Test
  void variedBatchEncodesExactlyAsJacksonDid() {
    assertSameAsJackson(TestData.variedBatch());
  }

  @Test
  void randomBatchesWithEscapesUnicodeAndEveryValueKindEncodeExactlyAsJacksonDid() {
    RandomLogs random = new RandomLogs(SEED);
    for (int i = 0; i < 300; i++) assertSameAsJackson(random.batch());
  }

  @Test
  void everyValueKindEncodesExactlyAsJacksonDid() {
    RandomLogs random = new RandomLogs(SEED + 1);
    for (int i = 0; i < 20_000; i++) {
      Object value = random.value(3);
      assertThat(newJson(value)).as("value #%d", i).isEqualTo(JacksonLogLines.valueJson(value));
    }
  }

  @Test
  void edgeCaseValuesEncodeExactlyAsJacksonDid() {
    List<Object> values =
        List.of(
            "",
            "\u0000\u001f\u007f",
            "\uD83D\uDE80",
            "\uD83D",
            "\uDE80x",
            "a/b\"c\\d",
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            0L,
            -1L,
            Double.NaN,
            Double.NEGATIVE_INFINITY,
            -0.0,
            1.0E-300,
            1.0E7,
            123456.789,
            new byte[0],
            new byte[] {-1, 0, 1},
            new byte[] {1, 2},
            Integer.MIN_VALUE,
            1.5f,
            Attributes.of("k\n", Attributes.listOf()),
            new Attributes());
    for (Object value : values)
      assertThat(newJson(value)).isEqualTo(JacksonLogLines.valueJson(value));
  }

  @Test
  void integersAroundEveryPowerOfTenEncodeExactlyAsJacksonDid() {
    for (long power = 1; power > 0 && power <= Long.MAX_VALUE / 10 * 10; power *= 10) {
      for (long v : new long[] {power - 1, power, power + 1, -power + 1, -power, -power - 1}) {
        assertThat(newJson(v)).isEqualTo(JacksonLogLines.valueJson(v)).isEqualTo(Long.toString(v));
      }
      if (power > Long.MAX_VALUE / 10) break;
    }
  }

  @Test
  void scopesOfManyRecordsReuseTheirTailButEachLineIsComplete() {
    LogsBatch batch = TestData.simpleBatch(50, "p");
    String lines = encode(batch);
    assertThat(lines.split("\n"))
        .hasSize(50)
        .allSatisfy(
            line ->
                assertThat(line)
                    .endsWith(
                        ",\"resource\":{\"service.name\":\"bench\"},\"scope\":{\"name\":\"test\",\"version\":\"1\"}}"));
    assertSameAsJackson(batch);
  }

  @Test
  void aValueOfNoAnyValueKindIsRefusedNamingItsType() {
    ResourceLogs rl = TestData.resource(new Attributes());
    TestData.scope(rl, "s", "", new Attributes())
        .logRecords()
        .add(new LogRecord().setBody(new Object()));
    LogsBatch batch = new LogsBatch(new ArrayList<>(List.of(rl)));
    assertThatThrownBy(() -> encode(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }

  private static void assertSameAsJackson(LogsBatch batch) {
    ByteBuf expected = new ByteBuf(1024);
    new JacksonLogLines().write(batch, expected);
    assertThat(encode(batch))
        .isEqualTo(new String(expected.array(), 0, expected.size(), StandardCharsets.UTF_8));
  }

  private static String encode(LogsBatch batch) {
    ByteBuf out = new ByteBuf(16); // small, so growing mid-line is exercised
    new JsonLinesLogs(out).write(batch);
    return new String(out.array(), 0, out.size(), StandardCharsets.UTF_8);
  }

  private static String newJson(Object value) {
    ByteBuf out = new ByteBuf(8);
    new Utf8JsonWriter(out).value(value);
    return new String(out.array(), 0, out.size(), StandardCharsets.UTF_8);
  }
}
