package io.stacklens.agent.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.RecordLimitException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the protobuf bytes of an OTLP {@code ExportLogsServiceRequest} straight into a {@link
 * LogsBatch}: one pass, no intermediate generated message objects (decode once). Equivalent to
 * {@code OtlpLogs.fromProto(ExportLogsServiceRequest.parseFrom(bytes))}, which a test checks on
 * random requests; unknown fields are skipped, strings must be valid UTF-8, as with the generated
 * code.
 *
 * <p>Limits are checked while reading, against a {@link DecodeBudget}: the length of every string
 * and bytes value is read from its prefix before the value is (so an over-long one is skipped,
 * never copied), key/values and list items are counted per record, nesting depth is checked, and
 * every object made is charged to the request's estimated size. A record over a record-level limit
 * is skipped to its end and reported to the budget; a resource or scope over one, too many records,
 * or too many decoded bytes refuse the request ({@link DecodeLimitException}).
 *
 * <p>Field numbers are those of {@code opentelemetry/proto/logs/v1/logs.proto} and {@code
 * common/v1/common.proto}.
 */
public final class OtlpLogsDecoder {
  private static final int LENGTH = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;
  private static final int FIXED32 = WireFormat.WIRETYPE_FIXED32;

  private final byte[] bytes;
  private final int offset;
  private final CodedInputStream in;
  private final DecodeBudget budget;
  private final KeyCache keys = KeyCache.forThisThread();

  private OtlpLogsDecoder(byte[] bytes, int offset, int length, DecodeBudget budget) {
    this.bytes = bytes;
    this.offset = offset;
    this.in = CodedInputStream.newInstance(bytes, offset, length);
    this.in.enableAliasing(false);
    this.budget = budget;
  }

  private static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  /** Decodes without limits (the agent's own data, tests). */
  public static LogsBatch decode(byte[] bytes) throws InvalidProtocolBufferException {
    return decode(bytes, 0, bytes.length, DecodeBudget.unlimited());
  }

  /** Decodes without limits (the agent's own data, tests). */
  public static LogsBatch decode(byte[] bytes, int offset, int length)
      throws InvalidProtocolBufferException {
    return decode(bytes, offset, length, DecodeBudget.unlimited());
  }

  /**
   * Decodes within {@code budget}: records over a record-level limit are left out and counted in
   * the budget; throws {@link DecodeLimitException} when the whole request must be refused. The
   * caller hands the budget's bytes to the batch ({@link DecodeBudget#handOver}) or releases them.
   */
  public static LogsBatch decode(byte[] bytes, int offset, int length, DecodeBudget budget)
      throws InvalidProtocolBufferException {
    return new OtlpLogsDecoder(bytes, offset, length, budget).request();
  }

  private LogsBatch request() throws InvalidProtocolBufferException {
    List<ResourceLogs> resources = new ArrayList<>(4);
    budget.charge(MemoryEstimate.CONTAINER);
    try {
      int t;
      while ((t = in.readTag()) != 0) {
        if (t == tag(1, LENGTH)) {
          int limit = in.pushLimit(in.readRawVarint32());
          resources.add(resourceLogs(resources.size()));
          in.popLimit(limit);
        } else {
          in.skipField(t);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return new LogsBatch(resources);
  }

  private ResourceLogs resourceLogs(int r) throws IOException {
    budget.charge(MemoryEstimate.GROUP);
    ResourceLogs rl = new ResourceLogs(new Resource(new Attributes(8)), new ArrayList<>(2));
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          try {
            budget.resetValueCount();
            resource(rl.resource());
          } catch (RecordLimitException e) {
            throw DecodeBudget.refuse("resource_logs[" + r + "].resource", e);
          }
          in.popLimit(limit);
        }
        case (2 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          rl.scopeLogs().add(scopeLogs(r, rl.scopeLogs().size()));
          in.popLimit(limit);
        }
        case (3 << 3) | LENGTH ->
            rl.setSchemaUrl(stringOutsideRecords("resource_logs[" + r + "].schema_url"));
        default -> in.skipField(t);
      }
    }
    return rl;
  }

  private void resource(Resource resource) throws IOException {
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> keyValue(resource.attributes(), 1);
        case (2 << 3) | VARINT -> resource.setDroppedAttributesCount(in.readUInt32());
        default -> in.skipField(t);
      }
    }
  }

  private ScopeLogs scopeLogs(int r, int s) throws IOException {
    budget.charge(MemoryEstimate.GROUP);
    InstrumentationScope scope = new InstrumentationScope();
    List<LogRecord> records = new ArrayList<>(16);
    ScopeLogs sl = new ScopeLogs(scope, records);
    int index = 0;
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          try {
            budget.resetValueCount();
            scope(scope);
          } catch (RecordLimitException e) {
            throw DecodeBudget.refuse("resource_logs[" + r + "].scope_logs[" + s + "].scope", e);
          }
          in.popLimit(limit);
        }
        case (2 << 3) | LENGTH -> {
          int length = in.readRawVarint32();
          int end = in.getTotalBytesRead() + length;
          int limit = in.pushLimit(length);
          budget.countRecord();
          budget.charge(MemoryEstimate.LOG_RECORD + MemoryEstimate.SLOT);
          try {
            records.add(logRecord());
            in.popLimit(limit);
          } catch (RecordLimitException e) {
            budget.rejectRecord(
                "resource_logs[" + r + "].scope_logs[" + s + "].log_records[" + index + "]", e);
            in.popLimit(limit);
            in.skipRawBytes(end - in.getTotalBytesRead());
          }
          index++;
        }
        case (3 << 3) | LENGTH ->
            sl.setSchemaUrl(
                stringOutsideRecords("resource_logs[" + r + "].scope_logs[" + s + "].schema_url"));
        default -> in.skipField(t);
      }
    }
    return sl;
  }

  private void scope(InstrumentationScope scope) throws IOException {
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> scope.setName(string());
        case (2 << 3) | LENGTH -> scope.setVersion(string());
        case (3 << 3) | LENGTH -> keyValue(scope.attributes(), 1);
        case (4 << 3) | VARINT -> scope.setDroppedAttributesCount(in.readUInt32());
        default -> in.skipField(t);
      }
    }
  }

  private LogRecord logRecord() throws IOException {
    LogRecord r = new LogRecord(new Attributes(8));
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | FIXED64 -> r.setTimeUnixNano(in.readFixed64());
        case (11 << 3) | FIXED64 -> r.setObservedTimeUnixNano(in.readFixed64());
        case (2 << 3) | VARINT -> r.setSeverityNumber(in.readEnum());
        case (3 << 3) | LENGTH -> r.setSeverityText(string());
        case (5 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          r.setBody(anyValue(1));
          in.popLimit(limit);
        }
        case (6 << 3) | LENGTH -> keyValue(r.attributes(), 1);
        case (7 << 3) | VARINT -> r.setDroppedAttributesCount(in.readUInt32());
        case (8 << 3) | FIXED32 -> r.setFlags(in.readFixed32());
        case (9 << 3) | LENGTH -> r.setTraceId(byteArray());
        case (10 << 3) | LENGTH -> r.setSpanId(byteArray());
        case (12 << 3) | LENGTH -> r.setEventName(string());
        default -> in.skipField(t);
      }
    }
    return r;
  }

  /** Reads one length-delimited KeyValue and appends it to {@code target}. */
  private void keyValue(Attributes target, int depth) throws IOException {
    budget.checkDepth(depth);
    budget.countValue();
    budget.charge(MemoryEstimate.SLOT);
    int limit = in.pushLimit(in.readRawVarint32());
    String key = "";
    Object value = null;
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> key = key();
        case (2 << 3) | LENGTH -> {
          int inner = in.pushLimit(in.readRawVarint32());
          value = anyValue(depth + 1);
          in.popLimit(inner);
        }
        default -> in.skipField(t);
      }
    }
    in.popLimit(limit);
    target.append(key, value);
  }

  /**
   * Reads the fields of an AnyValue (within its pushed limit) into a plain object; null when unset.
   */
  private Object anyValue(int depth) throws IOException {
    budget.checkDepth(depth);
    Object value = null;
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> value = string();
        case (2 << 3) | VARINT -> {
          budget.charge(MemoryEstimate.BOXED);
          value = in.readBool();
        }
        case (3 << 3) | VARINT -> {
          budget.charge(MemoryEstimate.BOXED);
          value = in.readInt64();
        }
        case (4 << 3) | FIXED64 -> {
          budget.charge(MemoryEstimate.BOXED);
          value = in.readDouble();
        }
        case (5 << 3) | LENGTH -> {
          budget.charge(MemoryEstimate.CONTAINER);
          int limit = in.pushLimit(in.readRawVarint32());
          List<Object> list = new ArrayList<>();
          int u;
          while ((u = in.readTag()) != 0) {
            if (u == tag(1, LENGTH)) {
              budget.countValue();
              budget.charge(MemoryEstimate.SLOT);
              int inner = in.pushLimit(in.readRawVarint32());
              list.add(anyValue(depth + 1));
              in.popLimit(inner);
            } else {
              in.skipField(u);
            }
          }
          in.popLimit(limit);
          value = list;
        }
        case (6 << 3) | LENGTH -> {
          budget.charge(MemoryEstimate.CONTAINER);
          int limit = in.pushLimit(in.readRawVarint32());
          Attributes kv = new Attributes(4);
          int u;
          while ((u = in.readTag()) != 0) {
            if (u == tag(1, LENGTH)) keyValue(kv, depth + 1);
            else in.skipField(u);
          }
          in.popLimit(limit);
          value = kv;
        }
        case (7 << 3) | LENGTH -> value = byteArray();
        default -> in.skipField(t);
      }
    }
    return value;
  }

  /** A string field: its length is checked against the budget before a byte of it is read. */
  private String string() throws IOException {
    int length = peekLength();
    if (fits(length)) {
      budget.checkValueSize(length);
      budget.charge(MemoryEstimate.string(length));
    }
    return in.readStringRequireUtf8();
  }

  /**
   * A KeyValue's key: checked and charged like {@link #string()}, but taken from this thread's
   * {@link KeyCache} when the same bytes were decoded before (valid UTF-8 then), so the keys that
   * every record repeats are not decoded and allocated again.
   */
  private String key() throws IOException {
    int length = peekLength();
    if (length <= 0 || length > KeyCache.MAX_KEY_BYTES || !fits(length)) return string();
    int start = offset + in.getTotalBytesRead() + CodedOutputStream.computeUInt32SizeNoTag(length);
    if (start + length > bytes.length) return string();
    String cached = keys.find(bytes, start, length);
    if (cached == null) {
      String key = string();
      keys.put(bytes, start, length, key);
      return key;
    }
    budget.checkValueSize(length);
    budget.charge(MemoryEstimate.string(length));
    in.readRawVarint32();
    in.skipRawBytes(length);
    return cached;
  }

  /** A bytes field, checked like {@link #string()}. */
  private byte[] byteArray() throws IOException {
    int length = peekLength();
    if (fits(length)) {
      budget.checkValueSize(length);
      budget.charge(MemoryEstimate.BYTES + length);
    }
    return in.readByteArray();
  }

  /**
   * A length that the input can hold; otherwise reading the value reports the truncation, as the
   * parser would.
   */
  private boolean fits(int length) {
    int left = in.getBytesUntilLimit();
    return length >= 0 && (left < 0 ? length <= bytes.length : length <= left);
  }

  /** A string outside any record (a schema URL): over the value limit, the request is refused. */
  private String stringOutsideRecords(String where) throws IOException {
    try {
      return string();
    } catch (RecordLimitException e) {
      throw DecodeBudget.refuse(where, e);
    }
  }

  /**
   * The length prefix of the next length-delimited value, read from the array without consuming it
   * (-1 when it is not a valid varint; reading the value then reports the error).
   */
  private int peekLength() throws IOException {
    int pos = offset + in.getTotalBytesRead();
    int result = 0;
    for (int shift = 0; shift < 35 && pos < bytes.length; shift += 7) {
      byte b = bytes[pos++];
      result |= (b & 0x7f) << shift;
      if (b >= 0) return result;
    }
    return -1;
  }
}
