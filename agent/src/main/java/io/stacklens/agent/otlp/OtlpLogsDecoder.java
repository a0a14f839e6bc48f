package io.stacklens.agent.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the protobuf bytes of an OTLP {@code ExportLogsServiceRequest} straight into a
 * {@link LogsBatch}: one pass, no intermediate generated message objects (decode once). Equivalent to
 * {@code OtlpLogs.fromProto(ExportLogsServiceRequest.parseFrom(bytes))}, which a test checks on
 * random requests; unknown fields are skipped, strings must be valid UTF-8, as with the generated code.
 *
 * <p>Field numbers are those of {@code opentelemetry/proto/logs/v1/logs.proto} and
 * {@code common/v1/common.proto}.
 */
public final class OtlpLogsDecoder {
  private static final int MAX_DEPTH = 100;

  private static final int LENGTH = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;
  private static final int FIXED32 = WireFormat.WIRETYPE_FIXED32;

  private OtlpLogsDecoder() {}

  private static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  public static LogsBatch decode(byte[] bytes) throws InvalidProtocolBufferException {
    return decode(bytes, 0, bytes.length);
  }

  public static LogsBatch decode(byte[] bytes, int offset, int length) throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(bytes, offset, length);
    in.enableAliasing(false);
    List<ResourceLogs> resources = new ArrayList<>(4);
    try {
      int t;
      while ((t = in.readTag()) != 0) {
        if (t == tag(1, LENGTH)) {
          int limit = in.pushLimit(in.readRawVarint32());
          resources.add(resourceLogs(in));
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

  private static ResourceLogs resourceLogs(CodedInputStream in) throws IOException {
    ResourceLogs rl = new ResourceLogs(new Resource(new Attributes(8)), new ArrayList<>(2));
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          resource(in, rl.resource());
          in.popLimit(limit);
        }
        case (2 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          rl.scopeLogs().add(scopeLogs(in));
          in.popLimit(limit);
        }
        case (3 << 3) | LENGTH -> rl.setSchemaUrl(in.readStringRequireUtf8());
        default -> in.skipField(t);
      }
    }
    return rl;
  }

  private static void resource(CodedInputStream in, Resource resource) throws IOException {
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> keyValue(in, resource.attributes(), 1);
        case (2 << 3) | VARINT -> resource.setDroppedAttributesCount(in.readUInt32());
        default -> in.skipField(t);
      }
    }
  }

  private static ScopeLogs scopeLogs(CodedInputStream in) throws IOException {
    InstrumentationScope scope = new InstrumentationScope();
    List<LogRecord> records = new ArrayList<>(128);
    ScopeLogs sl = new ScopeLogs(scope, records);
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          scope(in, scope);
          in.popLimit(limit);
        }
        case (2 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          records.add(logRecord(in));
          in.popLimit(limit);
        }
        case (3 << 3) | LENGTH -> sl.setSchemaUrl(in.readStringRequireUtf8());
        default -> in.skipField(t);
      }
    }
    return sl;
  }

  private static void scope(CodedInputStream in, InstrumentationScope scope) throws IOException {
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> scope.setName(in.readStringRequireUtf8());
        case (2 << 3) | LENGTH -> scope.setVersion(in.readStringRequireUtf8());
        case (3 << 3) | LENGTH -> keyValue(in, scope.attributes(), 1);
        case (4 << 3) | VARINT -> scope.setDroppedAttributesCount(in.readUInt32());
        default -> in.skipField(t);
      }
    }
  }

  private static LogRecord logRecord(CodedInputStream in) throws IOException {
    LogRecord r = new LogRecord(new Attributes(8));
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | FIXED64 -> r.setTimeUnixNano(in.readFixed64());
        case (11 << 3) | FIXED64 -> r.setObservedTimeUnixNano(in.readFixed64());
        case (2 << 3) | VARINT -> r.setSeverityNumber(in.readEnum());
        case (3 << 3) | LENGTH -> r.setSeverityText(in.readStringRequireUtf8());
        case (5 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          r.setBody(anyValue(in, 1));
          in.popLimit(limit);
        }
        case (6 << 3) | LENGTH -> keyValue(in, r.attributes(), 1);
        case (7 << 3) | VARINT -> r.setDroppedAttributesCount(in.readUInt32());
        case (8 << 3) | FIXED32 -> r.setFlags(in.readFixed32());
        case (9 << 3) | LENGTH -> r.setTraceId(in.readByteArray());
        case (10 << 3) | LENGTH -> r.setSpanId(in.readByteArray());
        case (12 << 3) | LENGTH -> r.setEventName(in.readStringRequireUtf8());
        default -> in.skipField(t);
      }
    }
    return r;
  }

  /** Reads one length-delimited KeyValue and appends it to {@code target}. */
  private static void keyValue(CodedInputStream in, Attributes target, int depth) throws IOException {
    checkDepth(depth);
    int limit = in.pushLimit(in.readRawVarint32());
    String key = "";
    Object value = null;
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> key = in.readStringRequireUtf8();
        case (2 << 3) | LENGTH -> {
          int inner = in.pushLimit(in.readRawVarint32());
          value = anyValue(in, depth + 1);
          in.popLimit(inner);
        }
        default -> in.skipField(t);
      }
    }
    in.popLimit(limit);
    target.append(key, value);
  }

  /** Reads the fields of an AnyValue (within its pushed limit) into a plain object; null when unset. */
  private static Object anyValue(CodedInputStream in, int depth) throws IOException {
    checkDepth(depth);
    Object value = null;
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case (1 << 3) | LENGTH -> value = in.readStringRequireUtf8();
        case (2 << 3) | VARINT -> value = in.readBool();
        case (3 << 3) | VARINT -> value = in.readInt64();
        case (4 << 3) | FIXED64 -> value = in.readDouble();
        case (5 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          List<Object> list = new ArrayList<>();
          int u;
          while ((u = in.readTag()) != 0) {
            if (u == tag(1, LENGTH)) {
              int inner = in.pushLimit(in.readRawVarint32());
              list.add(anyValue(in, depth + 1));
              in.popLimit(inner);
            } else {
              in.skipField(u);
            }
          }
          in.popLimit(limit);
          value = list;
        }
        case (6 << 3) | LENGTH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          Attributes kv = new Attributes(4);
          int u;
          while ((u = in.readTag()) != 0) {
            if (u == tag(1, LENGTH)) keyValue(in, kv, depth + 1);
            else in.skipField(u);
          }
          in.popLimit(limit);
          value = kv;
        }
        case (7 << 3) | LENGTH -> value = in.readByteArray();
        default -> in.skipField(t);
      }
    }
    return value;
  }

  private static void checkDepth(int depth) throws InvalidProtocolBufferException {
    if (depth > MAX_DEPTH) {
      throw new InvalidProtocolBufferException("values nested more than " + MAX_DEPTH + " levels deep");
    }
  }
}
