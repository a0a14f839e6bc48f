package io.stacklens.agent.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.RecordLimitException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Checks the decode limits on the protobuf bytes of any OTLP export request before the generated
 * parser materialises it (traces and metrics, which stay in protobuf form). Walks the wire format
 * with the message descriptors, reading lengths and counts but no values: records are counted,
 * string and bytes lengths are read from their prefixes, key/values and list items are counted per
 * record, AnyValue nesting is followed, and the estimated heap of the parsed request is charged to
 * the budget.
 *
 * <p>Request-level limits throw {@link DecodeLimitException}; a record over a record-level limit is
 * recorded by its ordinal (the n-th span or data point in wire order, which is the order the parser
 * keeps), so the caller can leave it out of the parsed request. Malformed bytes throw {@link
 * InvalidProtocolBufferException}, as the parser would.
 */
public final class OtlpProtoScanner {
  /**
   * What a scan found: how many records, and which of them (by ordinal) are over a record-level
   * limit.
   */
  public record Result(int records, BitSet rejected) {
    public boolean anyRejected() {
      return !rejected.isEmpty();
    }
  }

  private final byte[] bytes;
  private final CodedInputStream in;
  private final DecodeBudget budget;
  private final BitSet rejected = new BitSet();

  /**
   * The path from the request down to the message being read, for messages: {@code
   * resource_spans[0]}.
   */
  private final List<String> path = new ArrayList<>(8);

  private int records;
  private boolean inRecord;

  private OtlpProtoScanner(byte[] bytes, DecodeBudget budget) {
    this.bytes = bytes;
    this.in = CodedInputStream.newInstance(bytes);
    this.budget = budget;
  }

  /** Scans {@code bytes}, an encoded message of type {@code request}, against {@code budget}. */
  public static Result scan(byte[] bytes, Descriptor request, DecodeBudget budget)
      throws InvalidProtocolBufferException {
    OtlpProtoScanner s = new OtlpProtoScanner(bytes, budget);
    try {
      budget.charge(MemoryEstimate.PROTO_MESSAGE);
      s.message(request, 0);
      s.in.checkLastTagWas(0);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return new Result(s.records, s.rejected);
  }

  private void message(Descriptor type, int anyDepth) throws IOException {
    int[] seen = inRecord ? null : new int[maxFieldNumber(type) + 1];
    int t;
    while ((t = in.readTag()) != 0) {
      int number = WireFormat.getTagFieldNumber(t);
      FieldDescriptor fd = type.findFieldByNumber(number);
      int wireType = WireFormat.getTagWireType(t);
      if (fd == null
          || (wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED
              && fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
        // Unknown to the schema (or of the wrong wire type): the generated parser keeps it, bytes
        // and
        // all, among the message's unknown fields, so it is charged like a bytes value.
        int length = wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED ? peekLength() : 8;
        budget.charge(MemoryEstimate.PROTO_MESSAGE + MemoryEstimate.BYTES + Math.max(0, length));
        in.skipField(t);
        continue;
      }
      if (wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        budget.charge(fd.isRepeated() ? MemoryEstimate.SLOT : 0);
        in.skipField(t);
        continue;
      }
      switch (fd.getJavaType()) {
        case MESSAGE -> {
          int index = seen == null || number >= seen.length ? 0 : seen[number]++;
          field(fd, index, anyDepth);
        }
        case STRING, BYTE_STRING -> {
          int length = peekLength();
          if (length >= 0 && length <= in.getBytesUntilLimit()) {
            checkValue(fd, length);
            budget.charge(MemoryEstimate.string(length));
          }
          in.skipField(t);
        }
        default -> {
          // A packed repeated scalar: up to 8 bytes of heap per wire byte for varints, 1 for
          // fixed-width.
          int length = in.readRawVarint32();
          boolean fixed =
              fd.getType() == FieldDescriptor.Type.DOUBLE
                  || fd.getType() == FieldDescriptor.Type.FIXED64
                  || fd.getType() == FieldDescriptor.Type.SFIXED64
                  || fd.getType() == FieldDescriptor.Type.FLOAT
                  || fd.getType() == FieldDescriptor.Type.FIXED32
                  || fd.getType() == FieldDescriptor.Type.SFIXED32;
          budget.charge(MemoryEstimate.CONTAINER + (long) length * (fixed ? 1 : 8));
          in.skipRawBytes(length);
        }
      }
    }
  }

  private void field(FieldDescriptor fd, int index, int anyDepth) throws IOException {
    Descriptor type = fd.getMessageType();
    int length = in.readRawVarint32();
    budget.charge(MemoryEstimate.PROTO_MESSAGE + (fd.isRepeated() ? MemoryEstimate.SLOT : 0));
    if (OtlpShapes.isRecord(type) && !inRecord) {
      record(fd, index, type, length);
      return;
    }
    if (OtlpShapes.isCountedValueField(fd)) countValue(fd);
    int limit = in.pushLimit(length);
    if (!inRecord) path.add(fd.getName() + (fd.isRepeated() ? "[" + index + "]" : ""));
    if (OtlpShapes.isGroup(type) && !inRecord) {
      budget.resetValueCount();
      message(type, 0);
    } else if (OtlpShapes.isAnyValue(type)) {
      checkDepth(anyDepth + 1);
      message(type, anyDepth + 1);
    } else {
      message(type, anyDepth);
    }
    if (!inRecord) path.remove(path.size() - 1);
    in.popLimit(limit);
  }

  private void record(FieldDescriptor fd, int index, Descriptor type, int length)
      throws IOException {
    int end = in.getTotalBytesRead() + length;
    int limit = in.pushLimit(length);
    budget.countRecord();
    int ordinal = records++;
    inRecord = true;
    try {
      message(type, 0);
      in.popLimit(limit);
    } catch (RecordLimitException e) {
      budget.rejectRecord(where() + "." + fd.getName() + "[" + index + "]", e);
      rejected.set(ordinal);
      in.popLimit(limit);
      in.skipRawBytes(end - in.getTotalBytesRead());
    } finally {
      inRecord = false;
    }
  }

  private void countValue(FieldDescriptor fd) {
    try {
      budget.countValue();
    } catch (RecordLimitException e) {
      throw inRecord ? e : DecodeBudget.refuse(where() + "." + fd.getName(), e);
    }
  }

  private void checkDepth(int depth) {
    try {
      budget.checkDepth(depth);
    } catch (RecordLimitException e) {
      throw inRecord ? e : DecodeBudget.refuse(where(), e);
    }
  }

  private void checkValue(FieldDescriptor fd, int length) {
    try {
      budget.checkValueSize(length);
    } catch (RecordLimitException e) {
      throw inRecord ? e : DecodeBudget.refuse(where() + "." + fd.getName(), e);
    }
  }

  private String where() {
    return path.isEmpty() ? "the request" : String.join(".", path);
  }

  /** The next length prefix, read without consuming it; -1 when it is not a valid varint. */
  private int peekLength() {
    int pos = in.getTotalBytesRead();
    int result = 0;
    for (int shift = 0; shift < 35 && pos < bytes.length; shift += 7) {
      byte b = bytes[pos++];
      result |= (b & 0x7f) << shift;
      if (b >= 0) return result;
    }
    return -1;
  }

  private static int maxFieldNumber(Descriptor type) {
    int max = 0;
    for (FieldDescriptor fd : type.getFields()) max = Math.max(max, fd.getNumber());
    return max;
  }
}
