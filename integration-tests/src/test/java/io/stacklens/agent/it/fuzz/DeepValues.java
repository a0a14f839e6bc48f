package io.stacklens.agent.it.fuzz;

import java.io.ByteArrayOutputStream;

/**
 * Deeply nested OTLP {@code AnyValue}s, written straight as protobuf bytes front to back (sizes
 * computed first), so a value a million levels deep costs one pass and no recursion.
 */
final class DeepValues {
  static final String[] SHAPES = {"arrays", "kvlists", "arrays and kvlists"};

  private DeepValues() {}

  /**
   * An AnyValue {@code depth} levels of array_value / kvlist_value (by {@code shape}: 0 arrays, 1
   * kvlists, 2 alternating) around a string {@code "x"}.
   */
  static byte[] anyValue(int depth, int shape) {
    // innermost AnyValue{string_value: "x"} is 3 bytes; sizes[i] = size of the AnyValue at level i
    // (0 = innermost)
    long[] sizes = new long[depth + 1];
    sizes[0] = 3;
    for (int i = 1; i <= depth; i++) {
      long inner = sizes[i - 1];
      if (isArray(shape, i)) {
        long array = 1 + varintSize(inner) + inner; // ArrayValue{values(1): inner}
        sizes[i] = 1 + varintSize(array) + array; // AnyValue{array_value(5): array}
      } else {
        long kv = 3 + 1 + varintSize(inner) + inner; // KeyValue{key(1): "k", value(2): inner}
        long list = 1 + varintSize(kv) + kv; // KeyValueList{values(1): kv}
        sizes[i] = 1 + varintSize(list) + list; // AnyValue{kvlist_value(6): list}
      }
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, sizes[depth]));
    for (int i = depth; i >= 1; i--) {
      long inner = sizes[i - 1];
      if (isArray(shape, i)) {
        long array = 1 + varintSize(inner) + inner;
        out.write(0x2A);
        ProtoWire.writeVarint(out, array);
        out.write(0x0A);
        ProtoWire.writeVarint(out, inner);
      } else {
        long kv = 3 + 1 + varintSize(inner) + inner;
        long list = 1 + varintSize(kv) + kv;
        out.write(0x32);
        ProtoWire.writeVarint(out, list);
        out.write(0x0A);
        ProtoWire.writeVarint(out, kv);
        out.write(0x0A);
        out.write(0x01);
        out.write('k');
        out.write(0x12);
        ProtoWire.writeVarint(out, inner);
      }
    }
    out.write(0x0A);
    out.write(0x01);
    out.write('x');
    return out.toByteArray();
  }

  private static boolean isArray(int shape, int level) {
    return shape == 0 || (shape == 2 && level % 2 == 0);
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      n++;
      v >>>= 7;
    }
    return n;
  }

  /** JSON nested {@code depth} deep: {@code [[[...1...]]]} or {@code {"a":{"a":...1...}}}. */
  static byte[] json(int depth, boolean objects, boolean closed) {
    String open = objects ? "{\"a\":" : "[";
    String close = objects ? "}" : "]";
    StringBuilder sb = new StringBuilder(depth * (open.length() + 1) + 1);
    sb.append(open.repeat(depth)).append('1');
    if (closed) sb.append(close.repeat(depth));
    return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
