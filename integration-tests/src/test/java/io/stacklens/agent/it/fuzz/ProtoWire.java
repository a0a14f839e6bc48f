package io.stacklens.agent.it.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Protobuf wire format as a tree, schema-free: every length-delimited field whose content parses as
 * a message gets children, so mutations can work on fields at any depth and the encoder recomputes
 * the enclosing lengths. A node can also lie about its length or carry a raw tag or varint, to
 * write what no protobuf encoder would.
 */
final class ProtoWire {
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int SGROUP = 3;
  static final int EGROUP = 4;
  static final int I32 = 5;

  /** Deeper than any seed; stops a crafted input from recursing without bound. */
  private static final int MAX_PARSE_DEPTH = 64;

  private ProtoWire() {}

  /** One field. */
  static final class Node {
    int number;
    int wireType;

    /** VARINT: the value. */
    long varint;

    /** LEN: the content when {@link #children} is null; I64/I32: the 8 or 4 bytes. */
    byte[] raw;

    /** LEN whose content parsed as a message: its fields. */
    List<Node> children;

    /** LEN: written as the length instead of the real one (past the end, huge, negative). */
    Long lieLength;

    /** Written instead of the tag. */
    byte[] rawTag;

    /** VARINT: written instead of the value (overlong, unterminated). */
    byte[] rawVarint;

    Node(int number, int wireType) {
      this.number = number;
      this.wireType = wireType;
    }

    static Node len(int number, byte[] content) {
      Node n = new Node(number, LEN);
      n.raw = content;
      return n;
    }

    static Node message(int number, List<Node> children) {
      Node n = new Node(number, LEN);
      n.children = children;
      return n;
    }

    static Node varint(int number, long value) {
      Node n = new Node(number, VARINT);
      n.varint = value;
      return n;
    }

    /** A deep copy. */
    Node copy() {
      Node c = new Node(number, wireType);
      c.varint = varint;
      c.raw = raw;
      c.lieLength = lieLength;
      c.rawTag = rawTag;
      c.rawVarint = rawVarint;
      if (children != null) {
        c.children = new ArrayList<>(children.size());
        for (Node child : children) c.children.add(child.copy());
      }
      return c;
    }

    /** LEN content as bytes (encoding the children when parsed). */
    byte[] content() {
      return children != null ? encode(children) : raw;
    }
  }

  /** The fields of {@code bytes}, or null when they are not a well-formed message. */
  static List<Node> parse(byte[] bytes) {
    return parse(bytes, 0, bytes.length, 0);
  }

  private static List<Node> parse(byte[] b, int from, int to, int depth) {
    List<Node> out = new ArrayList<>();
    int[] pos = {from};
    while (pos[0] < to) {
      long tag = readVarint(b, pos, to);
      if (tag < 0) return null;
      int number = (int) (tag >>> 3);
      int type = (int) (tag & 7);
      if (number == 0 || (tag >>> 3) > 0x1FFFFFFF) return null;
      Node n = new Node(number, type);
      switch (type) {
        case VARINT -> {
          long v = readVarint(b, pos, to);
          if (v == -1 && pos[0] < 0) return null;
          n.varint = v;
        }
        case I64, I32 -> {
          int size = type == I64 ? 8 : 4;
          if (pos[0] + size > to) return null;
          n.raw = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + size);
          pos[0] += size;
        }
        case LEN -> {
          long length = readVarint(b, pos, to);
          if (pos[0] < 0 || length < 0 || length > to - pos[0]) return null;
          int start = pos[0];
          int end = start + (int) length;
          n.raw = java.util.Arrays.copyOfRange(b, start, end);
          if (length > 0 && depth < MAX_PARSE_DEPTH) n.children = parse(b, start, end, depth + 1);
          if (n.children != null) n.raw = null;
          pos[0] = end;
        }
        default -> {
          return null;
        }
      }
      if (pos[0] < 0) return null;
      out.add(n);
    }
    return out;
  }

  /** Reads a varint at pos[0]; on failure sets pos[0] to -1 and returns -1. */
  private static long readVarint(byte[] b, int[] pos, int to) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= to) {
        pos[0] = -1;
        return -1;
      }
      byte x = b[pos[0]++];
      result |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) return result;
    }
    pos[0] = -1;
    return -1;
  }

  /**
   * What {@link #encode} would write, in bytes, without writing it (saturating at {@link
   * Long#MAX_VALUE}); a node repeated by reference is measured once.
   */
  static long encodedSize(List<Node> nodes) {
    return encodedSize(nodes, new java.util.IdentityHashMap<>());
  }

  private static long encodedSize(List<Node> nodes, java.util.Map<Node, Long> known) {
    long total = 0;
    for (Node n : nodes) total = saturatedAdd(total, encodedSize(n, known));
    return total;
  }

  private static long encodedSize(Node n, java.util.Map<Node, Long> known) {
    Long cached = known.get(n);
    if (cached != null) return cached;
    long size =
        n.rawTag != null ? n.rawTag.length : varint(((long) n.number << 3) | n.wireType).length;
    switch (n.wireType) {
      case VARINT -> size += n.rawVarint != null ? n.rawVarint.length : varint(n.varint).length;
      case I64, I32 -> size += n.raw == null ? (n.wireType == I64 ? 8 : 4) : n.raw.length;
      case LEN -> {
        long content = n.children != null ? encodedSize(n.children, known) : n.raw.length;
        size =
            saturatedAdd(
                size,
                saturatedAdd(
                    varint(n.lieLength != null ? n.lieLength : Math.min(content, Long.MAX_VALUE))
                        .length,
                    content));
      }
      default -> {
        // a bare tag
      }
    }
    known.put(n, size);
    return size;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }

  static byte[] encode(List<Node> nodes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Node n : nodes) write(out, n);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Node n) {
    if (n.rawTag != null) out.writeBytes(n.rawTag);
    else writeVarint(out, ((long) n.number << 3) | n.wireType);
    switch (n.wireType) {
      case VARINT -> {
        if (n.rawVarint != null) out.writeBytes(n.rawVarint);
        else writeVarint(out, n.varint);
      }
      case I64, I32 -> out.writeBytes(n.raw == null ? new byte[n.wireType == I64 ? 8 : 4] : n.raw);
      case LEN -> {
        byte[] content = n.content();
        writeVarint(out, n.lieLength != null ? n.lieLength : content.length);
        out.writeBytes(content);
      }
      default -> {
        // groups: a bare tag, as a corrupt message would have
      }
    }
  }

  static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(10);
    writeVarint(out, value);
    return out.toByteArray();
  }

  static byte[] tag(int number, int wireType) {
    return varint(((long) number << 3) | wireType);
  }

  /** A node and the list that holds it, for edits in place. */
  record Located(Node node, List<Node> parent, int depth) {}

  /** Every node of the tree, depth first, with its parent list. */
  static List<Located> all(List<Node> root) {
    List<Located> out = new ArrayList<>();
    collect(root, 0, out);
    return out;
  }

  private static void collect(List<Node> nodes, int depth, List<Located> out) {
    for (Node n : nodes) {
      out.add(new Located(n, nodes, depth));
      if (n.children != null) collect(n.children, depth + 1, out);
    }
  }

  /**
   * The nodes reached by following field numbers from the root (e.g. 1, 2, 2: every log record).
   */
  static List<Located> path(List<Node> root, int... numbers) {
    List<Located> level = new ArrayList<>();
    for (Node n : root)
      if (n.number == numbers[0] && n.children != null) level.add(new Located(n, root, 0));
    for (int i = 1; i < numbers.length; i++) {
      List<Located> next = new ArrayList<>();
      for (Located l : level) {
        for (Node c : l.node().children) {
          if (c.number == numbers[i] && c.wireType == LEN) {
            if (c.children == null && c.raw != null && c.raw.length == 0)
              c.children = new ArrayList<>();
            if (c.children != null) next.add(new Located(c, l.node().children, i));
          }
        }
      }
      level = next;
    }
    return level;
  }
}
