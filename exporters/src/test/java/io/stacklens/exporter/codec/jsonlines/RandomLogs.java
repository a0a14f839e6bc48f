package io.stacklens.exporter.codec.jsonlines;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.exporter.file.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators of escape-heavy strings, every AnyValue kind and whole log batches, for the
 * tests that pin {@link JsonLinesLogs} to the old Jackson output.
 */
final class RandomLogs {
  /**
   * Chars that exercise every escaping branch: controls, quotes, slash, DEL, 2- and 3-byte UTF-8,
   * surrogates.
   */
  private static final char[] SPECIAL = {
    0, 1, 8, 9, 10, 12, 13, 0x1f, '"', '\\', '/', 0x7f, 0x80, 'é', 0x7ff, 0x800, '✓', '日', 0x2028,
    0xfffd, 0xffff, 0xd800, 0xdbff, 0xdc00, 0xdfff
  };

  private final Random random;

  RandomLogs(long seed) {
    random = new Random(seed);
  }

  String string() {
    int len = random.nextInt(4) == 0 ? random.nextInt(300) : random.nextInt(12);
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      switch (random.nextInt(6)) {
        case 0 -> sb.append(SPECIAL[random.nextInt(SPECIAL.length)]);
        case 1 -> sb.append((char) random.nextInt(0x10000)); // any char, lone surrogates included
        case 2 -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000)); // a surrogate pair
        default -> sb.append((char) (0x20 + random.nextInt(0x5f))); // printable ASCII
      }
    }
    return sb.toString();
  }

  long longValue() {
    return switch (random.nextInt(5)) {
      case 0 -> Long.MIN_VALUE + random.nextInt(3);
      case 1 -> Long.MAX_VALUE - random.nextInt(3);
      case 2 -> random.nextInt(21) - 10;
      default -> random.nextLong() >> random.nextInt(64);
    };
  }

  double doubleValue() {
    return switch (random.nextInt(8)) {
      case 0 ->
          new double[] {
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                -0.0,
                0.0,
                Double.MIN_VALUE,
                Double.MAX_VALUE,
                1e7,
                1e-3,
                9.999999e6,
                100.0
              }
              [random.nextInt(11)];
      case 1 -> Double.longBitsToDouble(random.nextLong());
      case 2 -> random.nextInt(1000) / 8.0;
      default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
    };
  }

  /** Any AnyValue kind, nesting up to {@code depth} arrays and kvlists. */
  Object value(int depth) {
    int kinds = depth > 0 ? 10 : 8;
    return switch (random.nextInt(kinds)) {
      case 0 -> null;
      case 1 -> string();
      case 2 -> longValue();
      case 3 -> doubleValue();
      case 4 -> random.nextBoolean();
      case 5 -> bytes();
      case 6 -> random.nextBoolean() ? (Object) random.nextInt() : (Object) (float) doubleValue();
      case 7 -> string();
      case 8 -> attributes(depth - 1);
      default -> {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) list.add(value(depth - 1));
        yield list;
      }
    };
  }

  Attributes attributes(int depth) {
    Attributes a = new Attributes();
    for (int i = random.nextInt(6); i > 0; i--) a.put(string() + i, value(depth));
    return a;
  }

  byte[] bytes() {
    byte[] b = new byte[random.nextInt(20)];
    random.nextBytes(b);
    return b;
  }

  LogsBatch batch() {
    List<ResourceLogs> resources = new ArrayList<>();
    for (int r = random.nextInt(3) + 1; r > 0; r--) {
      ResourceLogs rl = TestData.resource(attributes(2));
      for (int s = random.nextInt(3); s >= 0; s--) {
        ScopeLogs sl =
            TestData.scope(
                rl, string(), string(), random.nextBoolean() ? new Attributes() : attributes(1));
        for (int i = random.nextInt(5); i > 0; i--) sl.logRecords().add(record());
      }
      resources.add(rl);
    }
    return new LogsBatch(resources);
  }

  LogRecord record() {
    LogRecord r =
        new LogRecord(attributes(2))
            .setTimeUnixNano(random.nextInt(4) == 0 ? 0 : longValue())
            .setObservedTimeUnixNano(
                random.nextBoolean() ? TestData.T0 + random.nextInt(1_000_000) : longValue())
            .setSeverityNumber(random.nextInt(30) - 2)
            .setSeverityText(string())
            .setFlags(random.nextInt())
            .setEventName(random.nextBoolean() ? "" : string())
            .setDroppedAttributesCount(random.nextBoolean() ? 0 : random.nextInt());
    if (random.nextInt(4) > 0) r.setBody(value(2));
    if (random.nextBoolean()) r.setTraceId(TestData.traceId());
    if (random.nextBoolean()) r.setSpanId(bytes());
    return r;
  }
}
