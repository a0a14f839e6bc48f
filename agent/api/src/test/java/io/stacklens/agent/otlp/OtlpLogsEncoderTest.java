package io.stacklens.agent.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct encoder writes exactly the bytes protobuf-java writes for the same request (the
 * canonical encoding), so anything that parses one parses the other the same way.
 */
class OtlpLogsEncoderTest {

  private static byte[] viaProtobufJava(LogsBatch batch) {
    return OtlpLogs.toProto(batch).toByteArray();
  }

  private static LogsBatch batch(LogRecord... records) {
    ScopeLogs scope = new ScopeLogs(new InstrumentationScope(), new ArrayList<>(List.of(records)));
    return new LogsBatch(
        new ArrayList<>(
            List.of(new ResourceLogs(new Resource(), new ArrayList<>(List.of(scope))))));
  }

  private static void assertSameBytes(LogsBatch batch) {
    byte[] expected = viaProtobufJava(batch);
    byte[] actual = OtlpLogsEncoder.encode(batch);
    assertThat(actual).as("bytes of %s", batch).isEqualTo(expected);
  }

  @Test
  void writesEveryFieldAndValueKindAsProtobufJavaDoes() throws Exception {
    Attributes nested =
        Attributes.of(
            "inner", "x", "list", Attributes.listOf(1L, "two", null, Attributes.of("k", true)));
    LogRecord full =
        new LogRecord(
                Attributes.of(
                    "s",
                    "text",
                    "empty",
                    "",
                    "t",
                    true,
                    "f",
                    false,
                    "zero",
                    0L,
                    "neg",
                    -42L,
                    "int",
                    7,
                    "max",
                    Long.MAX_VALUE,
                    "d",
                    3.25,
                    "nan",
                    Double.NaN,
                    "negzero",
                    -0.0,
                    "float",
                    1.5f,
                    "bytes",
                    new byte[] {0, 1, (byte) 0xFF},
                    "nobytes",
                    new byte[0],
                    "list",
                    Attributes.listOf(),
                    "map",
                    nested,
                    "null",
                    null))
            .setTimeUnixNano(1_700_000_000_123_456_789L)
            .setObservedTimeUnixNano(-1L)
            .setSeverityNumber(-3)
            .setSeverityText("WARN")
            .setBody(Attributes.of("msg", "hello", "n", 1L))
            .setDroppedAttributesCount(-1)
            .setFlags(0x80000001)
            .setTraceId(new byte[16])
            .setSpanId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
            .setEventName("login");
    LogRecord bare = new LogRecord();
    LogRecord bodyOnly = new LogRecord().setBody("");
    Resource resource =
        new Resource(Attributes.of("service.name", "checkout")).setDroppedAttributesCount(3);
    InstrumentationScope scope =
        new InstrumentationScope(Attributes.of("a", 1L))
            .setName("lib")
            .setVersion("1.0")
            .setDroppedAttributesCount(2);
    LogsBatch batch =
        new LogsBatch(
            new ArrayList<>(
                List.of(
                    new ResourceLogs(
                            resource,
                            new ArrayList<>(
                                List.of(
                                    new ScopeLogs(
                                            scope, new ArrayList<>(List.of(full, bare, bodyOnly)))
                                        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0"),
                                    new ScopeLogs(new InstrumentationScope(), new ArrayList<>()))))
                        .setSchemaUrl("https://example.com/r"),
                    new ResourceLogs(new Resource(), new ArrayList<>()))));

    assertSameBytes(batch);
    LogsBatch back = OtlpLogsDecoder.decode(OtlpLogsEncoder.encode(batch));
    assertThat(back.recordCount()).isEqualTo(3);
    LogRecord decoded = back.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    assertThat(decoded.eventName()).isEqualTo("login");
    assertThat(decoded.attributes().get("neg")).isEqualTo(-42L);
    assertThat(decoded.attributes().get("bytes")).isEqualTo(new byte[] {0, 1, (byte) 0xFF});
  }

  @Test
  void writesNonAsciiAndUnpairedSurrogatesAsStringGetBytesDoes() {
    String[] texts = {
      "é",
      "naïve café",
      "日本語のログ",
      "emoji 😀 here",
      "\ud800",
      "end\ud83d",
      "\udc00start",
      "mixed \u00ff\u0100\u07ff\u0800\uffff",
      "a".repeat(127) + "é",
      "é".repeat(64),
    };
    for (String t : texts) {
      assertSameBytes(batch(new LogRecord(Attributes.of(t, t)).setBody(t).setSeverityText(t)));
    }
  }

  @Test
  void keysThatRepeatOrShareATableSlotKeepTheirOwnBytes() {
    // "Aa" and "BB" have the same String.hashCode, and so do their concatenations: one slot of
    // RecentStrings, taken in turn by different keys.
    String[] keys = {
      "Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "clé", "日本", "k".repeat(64), "k".repeat(65), ""
    };
    LogsBatch batch = batch();
    List<LogRecord> records = batch.resourceLogs().get(0).scopeLogs().get(0).logRecords();
    for (int round = 0; round < 3; round++) {
      for (String key : keys) {
        // An equal key in a new String, as a processor that builds keys would hand it over.
        String copy = new String(key.toCharArray());
        records.add(new LogRecord(Attributes.of(key, (long) round)));
        records.add(new LogRecord(Attributes.of(copy, key)));
      }
    }
    assertSameBytes(batch);
    assertSameBytes(batch); // again, with every key in the table from the first time
  }

  @Test
  void fixesLengthPrefixesAtEveryBoundary() {
    // 127/128 and 16383/16384 bytes are where a length needs one more byte than was reserved.
    for (int n : new int[] {0, 1, 126, 127, 128, 129, 16_382, 16_383, 16_384, 300_000, 3_000_000}) {
      String s = "x".repeat(n);
      assertSameBytes(batch(new LogRecord().setBody(s)));
      assertSameBytes(batch(new LogRecord(Attributes.of("k", s))));
      String multiByte = "é".repeat(n / 2);
      assertSameBytes(batch(new LogRecord().setBody(multiByte)));
    }
  }

  @Test
  void matchesProtobufJavaOnRandomBatches() {
    Random random = new Random(20261207);
    for (int i = 0; i < 300; i++) assertSameBytes(randomBatch(random));
  }

  @Test
  void refusesAValueTypeOtlpCannotCarry() {
    LogsBatch batch = batch(new LogRecord(Attributes.of("when", new Object())));
    assertThatThrownBy(() -> OtlpLogsEncoder.encode(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported attribute value type java.lang.Object");
  }

  @Test
  void otlpRequestsEncodesLogsWithTheDirectEncoder() {
    LogsBatch batch = randomBatch(new Random(7));
    assertThat(OtlpRequests.encode(batch, false)).isEqualTo(viaProtobufJava(batch));
  }

  private static LogsBatch randomBatch(Random r) {
    List<ResourceLogs> resources = new ArrayList<>();
    for (int i = r.nextInt(3); i >= 0; i--) {
      List<ScopeLogs> scopes = new ArrayList<>();
      for (int j = r.nextInt(3); j >= 0; j--) {
        List<LogRecord> records = new ArrayList<>();
        for (int k = r.nextInt(40); k > 0; k--) records.add(randomRecord(r));
        scopes.add(
            new ScopeLogs(
                    new InstrumentationScope(randomAttributes(r, 0))
                        .setName(randomString(r))
                        .setVersion(randomString(r)),
                    records)
                .setSchemaUrl(randomString(r)));
      }
      resources.add(
          new ResourceLogs(new Resource(randomAttributes(r, 0)), scopes)
              .setSchemaUrl(randomString(r)));
    }
    return new LogsBatch(resources);
  }

  private static LogRecord randomRecord(Random r) {
    return new LogRecord(randomAttributes(r, 0))
        .setTimeUnixNano(r.nextBoolean() ? 0 : r.nextLong())
        .setObservedTimeUnixNano(r.nextBoolean() ? 0 : r.nextLong())
        .setSeverityNumber(r.nextInt(30) - 5)
        .setSeverityText(randomString(r))
        .setBody(r.nextInt(5) == 0 ? null : randomValue(r, 0))
        .setDroppedAttributesCount(r.nextInt(4) == 0 ? r.nextInt() : 0)
        .setFlags(r.nextBoolean() ? 0 : r.nextInt())
        .setTraceId(r.nextBoolean() ? null : randomBytes(r, 16))
        .setSpanId(r.nextBoolean() ? null : randomBytes(r, 8))
        .setEventName(r.nextInt(4) == 0 ? randomString(r) : "");
  }

  private static Attributes randomAttributes(Random r, int depth) {
    Attributes a = new Attributes();
    for (int i = r.nextInt(depth == 0 ? 8 : 3); i > 0; i--) {
      a.append(randomString(r), randomValue(r, depth + 1));
    }
    return a;
  }

  private static Object randomValue(Random r, int depth) {
    int kind = r.nextInt(depth > 2 ? 8 : 10);
    return switch (kind) {
      case 0 -> null;
      case 1 -> randomString(r);
      case 2 -> r.nextBoolean();
      case 3 -> r.nextLong();
      case 4 -> (long) r.nextInt(300) - 150;
      case 5 -> r.nextDouble() * 1e6 - 5e5;
      case 6 -> randomBytes(r, r.nextInt(40));
      case 7 -> randomString(r) + "x".repeat(r.nextInt(300));
      case 8 -> {
        List<Object> list = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) list.add(randomValue(r, depth + 1));
        yield list;
      }
      default -> randomAttributes(r, depth + 1);
    };
  }

  private static String randomString(Random r) {
    int n = r.nextInt(4) == 0 ? 0 : r.nextInt(30);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(20);
      if (pick < 14) sb.append((char) ('a' + r.nextInt(26)));
      else if (pick < 16) sb.append((char) (0x80 + r.nextInt(0x780)));
      else if (pick < 18) sb.append((char) (0x800 + r.nextInt(0xD000)));
      else if (pick < 19) sb.appendCodePoint(0x10000 + r.nextInt(0x1000));
      else sb.append((char) (0xD800 + r.nextInt(0x800))); // a lone surrogate
    }
    return sb.toString();
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
