package io.stacklens.agent.it.fuzz;

import io.stacklens.agent.data.Signal;
import io.stacklens.agent.it.fuzz.ProtoWire.Located;
import io.stacklens.agent.it.fuzz.ProtoWire.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutations that know the protobuf wire format (and where OTLP keeps records and attributes):
 * repeat a field many times, lie about lengths, nest AnyValues deeply, declare huge strings, swap
 * wire types, write overlong varints and invalid UTF-8. Each returns a short description of what it
 * did.
 */
final class ProtoMutations {
  /**
   * Heavy mutations stop growing a request at about this size (around the receivers' default body
   * limit).
   */
  static final int HEAVY_BYTES = 8 * 1024 * 1024;

  private ProtoMutations() {}

  /** Where each signal keeps its records: resource_X(1).scope_X(2).records(2). */
  private static final int[] RECORDS = {1, 2, 2};

  /** Resource attributes: resource_X(1).resource(1). */
  private static final int[] RESOURCE = {1, 1};

  static final long[] HUGE_LENGTHS = {
    Integer.MAX_VALUE,
    1L << 31,
    0xFFFFFFFFL,
    (1L << 32) + 1,
    Long.MAX_VALUE,
    -1L,
    Integer.MIN_VALUE,
    0x7FFFFFF0L,
    64L * 1024 * 1024,
    1L << 40
  };

  static final long[] EXTREME_VARINTS = {
    0,
    1,
    -1,
    Long.MIN_VALUE,
    Long.MAX_VALUE,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    1L << 31,
    1L << 32,
    25,
    255,
    1000,
    0xFFFFFFFFL
  };

  /**
   * Applies one protobuf-aware mutation to {@code root} (in place); heavy ones only when {@code
   * heavy}.
   */
  static String mutate(SplittableRandom r, List<Node> root, Signal signal, boolean heavy) {
    List<Located> all = ProtoWire.all(root);
    if (all.isEmpty()) {
      root.add(Node.message(1, new ArrayList<>()));
      return "empty message: added an empty resource";
    }
    if (heavy) {
      return switch (r.nextInt(6)) {
        case 0 -> repeat(r, all, pick(r, new int[] {1_000, 10_000, 100_001, 300_000}));
        case 1 -> deepAnyValue(r, root, signal, pick(r, new int[] {1_000, 10_000, 100_000}));
        case 2 -> manyRecords(root, pick(r, new int[] {100_001, 250_000, 1_000_000}));
        case 3 -> manyAttributes(root, signal, pick(r, new int[] {1_001, 10_000, 200_000}));
        case 4 ->
            hugeString(
                r, all, pick(r, new int[] {1024 * 1024 + 1, 4 * 1024 * 1024, 12 * 1024 * 1024}));
        default -> repeatWholeRequest(root, pick(r, new int[] {100, 1_000, 10_000}));
      };
    }
    return switch (r.nextInt(14)) {
      case 0 -> repeat(r, all, pick(r, new int[] {2, 3, 10, 100}));
      case 1 -> lengthPastEnd(r, all);
      case 2 -> hugeDeclaredLength(r, all);
      case 3 -> shortLength(r, all);
      case 4 -> deepAnyValue(r, root, signal, pick(r, new int[] {10, 63, 64, 65, 100, 200}));
      case 5 -> wrongWireType(r, all);
      case 6 -> invalidUtf8(r, all);
      case 7 -> extremeVarint(r, all);
      case 8 -> overlongVarint(r, all);
      case 9 -> unknownField(r, all, root);
      case 10 -> dropField(r, all);
      case 11 -> moveField(r, all);
      case 12 -> manyAttributes(root, signal, pick(r, new int[] {10, 999, 1_000, 1_001}));
      default -> wrongLengthBytes(r, all);
    };
  }

  private static int pick(SplittableRandom r, int[] options) {
    return options[r.nextInt(options.length)];
  }

  private static Located any(SplittableRandom r, List<Located> all) {
    return all.get(r.nextInt(all.size()));
  }

  private static Located anyLen(SplittableRandom r, List<Located> all) {
    List<Located> len = all.stream().filter(l -> l.node().wireType == ProtoWire.LEN).toList();
    return len.isEmpty() ? null : len.get(r.nextInt(len.size()));
  }

  private static Located anyLeaf(SplittableRandom r, List<Located> all, int wireType) {
    List<Located> leaves =
        all.stream()
            .filter(l -> l.node().wireType == wireType && l.node().children == null)
            .toList();
    return leaves.isEmpty() ? null : leaves.get(r.nextInt(leaves.size()));
  }

  static String repeat(SplittableRandom r, List<Located> all, int times) {
    Located l = any(r, all);
    if (times > 100)
      times =
          Math.max(2, Math.min(times, HEAVY_BYTES / ProtoWire.encode(List.of(l.node())).length));
    int at = l.parent().indexOf(l.node());
    l.parent().addAll(at + 1, java.util.Collections.nCopies(times - 1, l.node()));
    return "repeat field " + l.node().number + " (depth " + l.depth() + ") x" + times;
  }

  static String lengthPastEnd(SplittableRandom r, List<Located> all) {
    Located l = anyLen(r, all);
    if (l == null) return repeat(r, all, 2);
    int real = l.node().content().length;
    long lie = (long) real + 1 + r.nextInt(r.nextBoolean() ? 8 : 100_000);
    l.node().lieLength = lie;
    return "length of field "
        + l.node().number
        + " (depth "
        + l.depth()
        + ") says "
        + lie
        + ", holds "
        + real;
  }

  static String hugeDeclaredLength(SplittableRandom r, List<Located> all) {
    Located l = anyLen(r, all);
    if (l == null) return repeat(r, all, 2);
    long lie = HUGE_LENGTHS[r.nextInt(HUGE_LENGTHS.length)];
    l.node().lieLength = lie;
    return "length of field " + l.node().number + " (depth " + l.depth() + ") says " + lie;
  }

  static String shortLength(SplittableRandom r, List<Located> all) {
    Located l = anyLen(r, all);
    if (l == null) return repeat(r, all, 2);
    int real = l.node().content().length;
    long lie = real == 0 ? 0 : r.nextInt(real);
    l.node().lieLength = lie;
    return "length of field "
        + l.node().number
        + " (depth "
        + l.depth()
        + ") says "
        + lie
        + ", holds "
        + real;
  }

  /**
   * An AnyValue {@code depth} levels deep (arrays and kvlists), as a record's body or attribute and
   * as a resource attribute.
   */
  static String deepAnyValue(SplittableRandom r, List<Node> root, Signal signal, int depth) {
    int shape = r.nextInt(3);
    byte[] deep = DeepValues.anyValue(depth, shape);
    Node attribute =
        Node.message(
            1,
            new ArrayList<>(
                List.of(Node.len(1, "deep".getBytes(StandardCharsets.UTF_8)), Node.len(2, deep))));
    String where;
    List<Located> records = ProtoWire.path(root, RECORDS);
    if (!records.isEmpty() && r.nextBoolean()) {
      Node record = records.get(r.nextInt(records.size())).node();
      if (signal == Signal.LOGS && r.nextBoolean()) {
        record.children.removeIf(n -> n.number == 5);
        record.children.add(Node.len(5, deep));
        where = "log record body";
      } else {
        int attributesField =
            switch (signal) {
              case LOGS -> 6;
              case TRACES -> 9;
              case METRICS -> 12; // Metric.metadata
            };
        attribute.number = attributesField;
        record.children.add(attribute);
        where = "record attribute";
      }
    } else {
      Node resource = Node.message(1, new ArrayList<>(List.of(attribute)));
      root.add(Node.message(1, new ArrayList<>(List.of(resource))));
      where = "resource attribute";
    }
    return "AnyValue nested " + depth + " deep (" + DeepValues.SHAPES[shape] + ") as " + where;
  }

  /** {@code count} empty records in the first scope (or a new one). */
  static String manyRecords(List<Node> root, int count) {
    List<Located> scopes = ProtoWire.path(root, 1, 2);
    Node scope;
    if (scopes.isEmpty()) {
      scope = Node.message(2, new ArrayList<>());
      root.add(Node.message(1, new ArrayList<>(List.of(scope))));
    } else {
      scope = scopes.get(0).node();
    }
    Node empty = Node.len(2, new byte[0]);
    scope.children.addAll(java.util.Collections.nCopies(count, empty));
    return count + " empty records in one scope";
  }

  /** {@code count} distinct attributes on the first record (or resource). */
  static String manyAttributes(List<Node> root, Signal signal, int count) {
    List<Located> records = ProtoWire.path(root, RECORDS);
    Node holder;
    int field;
    if (!records.isEmpty() && signal != Signal.METRICS) {
      holder = records.get(0).node();
      field = signal == Signal.LOGS ? 6 : 9;
    } else {
      List<Located> resources = ProtoWire.path(root, RESOURCE);
      if (resources.isEmpty()) {
        Node resource = Node.message(1, new ArrayList<>());
        root.add(Node.message(1, new ArrayList<>(List.of(resource))));
        holder = resource;
      } else {
        holder = resources.get(0).node();
      }
      field = 1;
    }
    for (int i = 0; i < count; i++) {
      holder.children.add(
          Node.message(
              field,
              new ArrayList<>(
                  List.of(
                      Node.len(1, ("a" + i).getBytes(StandardCharsets.UTF_8)),
                      Node.message(2, new ArrayList<>(List.of(Node.varint(3, i))))))));
    }
    return count + " attributes on one " + (field == 1 ? "resource" : "record");
  }

  static String hugeString(SplittableRandom r, List<Located> all, int size) {
    Located l = anyLeaf(r, all, ProtoWire.LEN);
    if (l == null) return repeat(r, all, 2);
    byte[] s = new byte[size];
    Arrays.fill(s, (byte) ('a' + r.nextInt(26)));
    l.node().raw = s;
    return "field "
        + l.node().number
        + " (depth "
        + l.depth()
        + ") holds a "
        + size
        + "-byte string";
  }

  static String repeatWholeRequest(List<Node> root, int times) {
    List<Node> copy = new ArrayList<>(root);
    times = Math.max(2, Math.min(times, HEAVY_BYTES / Math.max(1, ProtoWire.encode(copy).length)));
    for (int i = 1; i < times; i++) root.addAll(copy);
    return "whole request repeated x" + times;
  }

  static String wrongWireType(SplittableRandom r, List<Located> all) {
    Located l = any(r, all);
    Node n = l.node();
    int old = n.wireType;
    int type;
    do {
      type = new int[] {0, 1, 2, 3, 4, 5, 6, 7}[r.nextInt(8)];
    } while (type == old);
    n.wireType = type;
    n.children = null;
    switch (type) {
      case ProtoWire.VARINT -> n.varint = EXTREME_VARINTS[r.nextInt(EXTREME_VARINTS.length)];
      case ProtoWire.I64 -> n.raw = new byte[8];
      case ProtoWire.I32 -> n.raw = new byte[4];
      case ProtoWire.LEN -> {
        n.raw = new byte[r.nextInt(32)];
        r.nextBytes(n.raw);
      }
      default -> {
        // group tags and the invalid types 6 and 7: a bare tag
      }
    }
    return "field " + n.number + " (depth " + l.depth() + ") wire type " + old + " -> " + type;
  }

  static String invalidUtf8(SplittableRandom r, List<Located> all) {
    Located l = anyLeaf(r, all, ProtoWire.LEN);
    if (l == null) return repeat(r, all, 2);
    byte[][] bad = {
      {(byte) 0xC0, (byte) 0x80},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xFF},
      {(byte) 0xE2, (byte) 0x82},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0x80},
      {0}
    };
    byte[] b = bad[r.nextInt(bad.length)];
    byte[] old = l.node().raw;
    int at = old.length == 0 ? 0 : r.nextInt(old.length + 1);
    byte[] s = new byte[old.length + b.length];
    System.arraycopy(old, 0, s, 0, at);
    System.arraycopy(b, 0, s, at, b.length);
    System.arraycopy(old, at, s, at + b.length, old.length - at);
    l.node().raw = s;
    return "invalid UTF-8 "
        + java.util.HexFormat.of().formatHex(b)
        + " in field "
        + l.node().number
        + " (depth "
        + l.depth()
        + ")";
  }

  static String extremeVarint(SplittableRandom r, List<Located> all) {
    Located l = anyLeaf(r, all, ProtoWire.VARINT);
    if (l == null) return hugeDeclaredLength(r, all);
    long v = EXTREME_VARINTS[r.nextInt(EXTREME_VARINTS.length)];
    l.node().varint = v;
    return "varint field " + l.node().number + " (depth " + l.depth() + ") = " + v;
  }

  static String overlongVarint(SplittableRandom r, List<Located> all) {
    Located l = any(r, all);
    byte[] over;
    String what;
    switch (r.nextInt(3)) {
      case 0 -> {
        over = new byte[11];
        Arrays.fill(over, (byte) 0xFF);
        over[10] = 0x01;
        what = "11-byte varint";
      }
      case 1 -> {
        over = new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};
        what = "zero in 6 bytes";
      }
      default -> {
        over = new byte[] {(byte) 0xFF, (byte) 0xFF};
        what = "unterminated varint";
      }
    }
    if (l.node().wireType == ProtoWire.VARINT && r.nextBoolean()) {
      l.node().rawVarint = over;
      return what + " as the value of field " + l.node().number;
    }
    l.node().rawTag = over;
    return what + " as the tag of field " + l.node().number;
  }

  static String unknownField(SplittableRandom r, List<Located> all, List<Node> root) {
    List<Located> messages = all.stream().filter(l -> l.node().children != null).toList();
    List<Node> into =
        messages.isEmpty() || r.nextInt(4) == 0
            ? root
            : messages.get(r.nextInt(messages.size())).node().children;
    int[] numbers = {0, 15, 16, 99, 1000, 19000, 19999, 0x1FFFFFFF, 0x20000000};
    int number = numbers[r.nextInt(numbers.length)];
    int type = r.nextInt(8);
    Node n = new Node(number, type);
    n.raw =
        type == ProtoWire.I64
            ? new byte[8]
            : type == ProtoWire.I32 ? new byte[4] : new byte[r.nextInt(16)];
    n.varint = r.nextLong();
    if (number == 0x20000000) n.rawTag = ProtoWire.varint(((long) number << 3) | type);
    into.add(r.nextInt(into.size() + 1), n);
    return "unknown field " + number + " wire type " + type;
  }

  static String dropField(SplittableRandom r, List<Located> all) {
    Located l = any(r, all);
    l.parent().remove(l.node());
    return "dropped field " + l.node().number + " (depth " + l.depth() + ")";
  }

  static String moveField(SplittableRandom r, List<Located> all) {
    Located from = any(r, all);
    List<Located> messages =
        all.stream().filter(l -> l.node().children != null && l.node() != from.node()).toList();
    if (messages.isEmpty()) return repeat(r, all, 2);
    Node to = messages.get(r.nextInt(messages.size())).node();
    to.children.add(from.node().copy());
    return "copied field "
        + from.node().number
        + " (depth "
        + from.depth()
        + ") into field "
        + to.number;
  }

  static String wrongLengthBytes(SplittableRandom r, List<Located> all) {
    // trace_id / span_id style fields: fixed-size byte strings given other sizes
    Located l = anyLeaf(r, all, ProtoWire.LEN);
    if (l == null) return repeat(r, all, 2);
    int[] sizes = {0, 1, 7, 9, 15, 17, 32, 4096};
    byte[] b = new byte[sizes[r.nextInt(sizes.length)]];
    r.nextBytes(b);
    l.node().raw = b;
    return "field "
        + l.node().number
        + " (depth "
        + l.depth()
        + ") holds "
        + b.length
        + " random bytes";
  }
}
