package io.stacklens.agent.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.Utf16;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimitException;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.agent.limits.RecordLimitException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OTLP/JSON codec for any OTLP protobuf message, driven by the message descriptors.
 *
 * <p>It follows the OTLP/JSON rules of the OTLP specification, which differ from the canonical
 * protobuf JSON mapping: {@code traceId}, {@code spanId} and {@code parentSpanId} are hex strings
 * (not base64); enums are written as integers (names are accepted when reading); 64-bit integers
 * are written as decimal strings (numbers are accepted when reading); keys are lowerCamelCase (the
 * original snake_case names are accepted when reading); unknown fields are ignored; fields with
 * default values are omitted when writing.
 */
public final class OtlpJson {
  /** Proto field names whose bytes are hex-encoded in OTLP/JSON. */
  private static final Set<String> HEX_FIELDS = Set.of("trace_id", "span_id", "parent_span_id");

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
          .build();

  /**
   * JSON levels of an OTLP request around its AnyValues (request, resource, scope, record, metric,
   * point ...).
   */
  private static final int JSON_STRUCTURE_DEPTH = 16;

  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS_BY_JSON_KEY =
      new ConcurrentHashMap<>();
  private static final Map<DecodeLimits, JsonFactory> FACTORIES = new ConcurrentHashMap<>();

  private OtlpJson() {}

  // ------------------------------------------------------------------ encode

  public static String toJson(MessageOrBuilder message) {
    return new String(toJsonBytes(message), java.nio.charset.StandardCharsets.UTF_8);
  }

  public static byte[] toJsonBytes(MessageOrBuilder message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(message, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes {@code message} as one JSON object to {@code generator}. */
  public static void write(MessageOrBuilder message, JsonGenerator generator) throws IOException {
    generator.writeStartObject();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor fd = e.getKey();
      generator.writeFieldName(fd.getJsonName());
      if (fd.isRepeated()) {
        generator.writeStartArray();
        for (Object item : (List<?>) e.getValue()) writeValue(fd, item, generator);
        generator.writeEndArray();
      } else {
        writeValue(fd, e.getValue(), generator);
      }
    }
    generator.writeEndObject();
  }

  private static void writeValue(FieldDescriptor fd, Object value, JsonGenerator g)
      throws IOException {
    switch (fd.getJavaType()) {
      case MESSAGE -> write((MessageOrBuilder) value, g);
      case STRING -> g.writeString((String) value);
      case BOOLEAN -> g.writeBoolean((Boolean) value);
      case INT -> {
        int v = (Integer) value;
        if (isUnsigned(fd)) g.writeNumber(Integer.toUnsignedLong(v));
        else g.writeNumber(v);
      }
      case LONG -> {
        long v = (Long) value;
        g.writeString(isUnsigned(fd) ? Long.toUnsignedString(v) : Long.toString(v));
      }
      case FLOAT -> writeDouble(g, (Float) value);
      case DOUBLE -> writeDouble(g, (Double) value);
      case ENUM -> g.writeNumber(((EnumValueDescriptor) value).getNumber());
      case BYTE_STRING -> {
        ByteString bytes = (ByteString) value;
        g.writeString(
            HEX_FIELDS.contains(fd.getName())
                ? java.util.HexFormat.of().formatHex(bytes.toByteArray())
                : Base64.getEncoder().encodeToString(bytes.toByteArray()));
      }
    }
  }

  private static void writeDouble(JsonGenerator g, double v) throws IOException {
    if (Double.isNaN(v)) g.writeString("NaN");
    else if (Double.isInfinite(v)) g.writeString(v > 0 ? "Infinity" : "-Infinity");
    else g.writeNumber(v);
  }

  private static boolean isUnsigned(FieldDescriptor fd) {
    return switch (fd.getType()) {
      case UINT32, FIXED32, UINT64, FIXED64 -> true;
      default -> false;
    };
  }

  // ------------------------------------------------------------------ decode

  public static ExportLogsServiceRequest parseLogs(byte[] json) {
    return parse(json, ExportLogsServiceRequest.newBuilder()).build();
  }

  public static ExportTraceServiceRequest parseTraces(byte[] json) {
    return parse(json, ExportTraceServiceRequest.newBuilder()).build();
  }

  public static ExportMetricsServiceRequest parseMetrics(byte[] json) {
    return parse(json, ExportMetricsServiceRequest.newBuilder()).build();
  }

  /** Decodes within {@code budget}; see {@link #parse(byte[], Message.Builder, DecodeBudget)}. */
  public static ExportLogsServiceRequest parseLogs(byte[] json, DecodeBudget budget) {
    return parse(json, ExportLogsServiceRequest.newBuilder(), budget).build();
  }

  public static ExportTraceServiceRequest parseTraces(byte[] json, DecodeBudget budget) {
    return parse(json, ExportTraceServiceRequest.newBuilder(), budget).build();
  }

  public static ExportMetricsServiceRequest parseMetrics(byte[] json, DecodeBudget budget) {
    return parse(json, ExportMetricsServiceRequest.newBuilder(), budget).build();
  }

  /** Merges the JSON object in {@code json} into {@code builder}, without limits. */
  public static <B extends Message.Builder> B parse(byte[] json, B builder) {
    return parse(json, builder, DecodeBudget.unlimited());
  }

  /**
   * Merges the JSON object in {@code json} into {@code builder}, within {@code budget}: records
   * (log records, spans, data points) over a record-level limit are skipped and counted in the
   * budget; a string longer than {@code max_value_size} or nesting deeper than the parser allows
   * refuses the request, because JSON must be read to its end to be measured and the parser stops
   * instead ({@link DecodeLimitException}). Unpaired surrogates in strings become U+FFFD.
   */
  public static <B extends Message.Builder> B parse(byte[] json, B builder, DecodeBudget budget) {
    JsonFactory factory =
        budget.limits().equals(DecodeLimits.none()) ? JSON : factoryFor(budget.limits());
    try (JsonParser p = factory.createParser(json)) {
      Reader reader = new Reader(p, budget);
      try {
        reader.readRoot(builder);
      } catch (RecordLimitException e) {
        throw DecodeBudget.refuse(reader.where(), e);
      } catch (StreamConstraintsException e) {
        throw reader.constraint(e);
      }
      return builder;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where =
          loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new OtlpJsonException("invalid JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new OtlpJsonException("cannot read JSON: " + e.getMessage(), e);
    }
  }

  /**
   * A parser factory whose constraints stop reading at the limits: strings at {@code
   * max_value_size}, nesting at what {@code max_nesting_depth} AnyValue levels need (four JSON
   * levels each, plus the request's own structure).
   */
  private static JsonFactory factoryFor(DecodeLimits limits) {
    return FACTORIES.computeIfAbsent(
        limits,
        l ->
            JsonFactory.builder()
                .streamReadConstraints(
                    StreamReadConstraints.builder()
                        .maxNestingDepth(JSON_STRUCTURE_DEPTH + 4 * l.maxNestingDepth())
                        .maxStringLength(Math.max(1, l.maxValueSize()))
                        .build())
                .build());
  }

  /** One decode: the parser plus the JSON path for error messages. */
  private static final class Reader {
    private final JsonParser p;
    private final DecodeBudget budget;
    private final Deque<String> path = new ArrayDeque<>();
    private int anyValueDepth;

    Reader(JsonParser p, DecodeBudget budget) {
      this.p = p;
      this.budget = budget;
    }

    /** The JSON path being read, e.g. {@code resourceLogs[0].scopeLogs[0].logRecords[3]}. */
    String where() {
      StringBuilder sb = new StringBuilder();
      for (String part : path) {
        if (sb.length() > 0 && !part.startsWith("[")) sb.append('.');
        sb.append(part);
      }
      return sb.length() == 0 ? "the request" : sb.toString();
    }

    /** The refusal for a parser constraint crossed at the current position. */
    DecodeLimitException constraint(StreamConstraintsException e) {
      JsonLocation loc = p.currentLocation();
      String at = where() + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
      DecodeLimits limits = budget.limits();
      String m = String.valueOf(e.getOriginalMessage());
      if (m.startsWith("String value length")) {
        return new DecodeLimitException(
            "max_value_size",
            false,
            at
                + ": a string is longer than the limit of "
                + limits.maxValueSize()
                + " bytes ("
                + limits.key("max_value_size")
                + "); the request is refused");
      }
      if (m.contains("nesting depth")) {
        return new DecodeLimitException(
            "max_nesting_depth",
            false,
            at
                + ": values are nested more than "
                + limits.maxNestingDepth()
                + " levels deep ("
                + limits.key("max_nesting_depth")
                + "); the request is refused");
      }
      throw new OtlpJsonException(at + ": " + m, e);
    }

    void readRoot(Message.Builder builder) throws IOException {
      JsonToken t = p.nextToken();
      if (t == null) throw error("empty body: expected a JSON object");
      if (t != JsonToken.START_OBJECT)
        throw error("expected a JSON object at the top level, got " + describe(t));
      readObject(builder);
      if (p.nextToken() != null) throw error("unexpected content after the top-level object");
    }

    /**
     * One record (log record, span, data point) whose START_OBJECT is the current token: counted
     * against the request's records; over a record-level limit it is skipped to its end and
     * reported.
     */
    private void readRecord(Message.Builder parent, FieldDescriptor fd, JsonToken t)
        throws IOException {
      budget.countRecord();
      int depth = p.getParsingContext().getNestingDepth();
      int pathLength = path.size();
      try {
        parent.addRepeatedField(fd, readValue(parent, fd, t));
      } catch (RecordLimitException e) {
        while (path.size() > pathLength) path.removeLast();
        budget.rejectRecord(where(), e);
        anyValueDepth = 0;
        while (p.getParsingContext().getNestingDepth() >= depth) {
          if (p.nextToken() == null) throw error("the input ends inside a record");
        }
      }
    }

    /** Reads the fields of an object whose START_OBJECT is the current token. */
    private void readObject(Message.Builder builder) throws IOException {
      Descriptor type = builder.getDescriptorForType();
      if (OtlpShapes.isAnyValue(type)) {
        budget.checkDepth(++anyValueDepth);
        try {
          readFields(builder);
        } finally {
          anyValueDepth--;
        }
        return;
      }
      if (OtlpShapes.isGroup(type)) budget.resetValueCount();
      readFields(builder);
    }

    private void readFields(Message.Builder builder) throws IOException {
      Map<String, FieldDescriptor> fields = fieldsByJsonKey(builder.getDescriptorForType());
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        FieldDescriptor fd = fields.get(key);
        JsonToken valueToken = p.nextToken();
        if (fd == null || valueToken == JsonToken.VALUE_NULL) {
          p.skipChildren(); // unknown fields are ignored, null means default
          continue;
        }
        path.addLast(key);
        if (fd.isRepeated()) {
          if (valueToken != JsonToken.START_ARRAY)
            throw error("expected an array, got " + describe(valueToken));
          boolean records = OtlpShapes.isRecordField(fd);
          boolean counted = OtlpShapes.isCountedValueField(fd);
          int index = 0;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            path.addLast("[" + index++ + "]");
            if (t != JsonToken.VALUE_NULL) {
              budget.charge(MemoryEstimate.SLOT);
              if (records) {
                readRecord(builder, fd, t);
              } else {
                if (counted) budget.countValue();
                builder.addRepeatedField(fd, readValue(builder, fd, t));
              }
            }
            path.removeLast();
          }
        } else if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          if (valueToken != JsonToken.START_OBJECT)
            throw error("expected an object, got " + describe(valueToken));
          budget.charge(MemoryEstimate.PROTO_MESSAGE_FROM_JSON);
          readObject(builder.getFieldBuilder(fd));
        } else {
          builder.setField(fd, readValue(builder, fd, valueToken));
        }
        path.removeLast();
      }
      if (t != JsonToken.END_OBJECT) throw error("expected a field name, got " + describe(t));
    }

    private Object readValue(Message.Builder parent, FieldDescriptor fd, JsonToken t)
        throws IOException {
      switch (fd.getJavaType()) {
        case MESSAGE -> {
          if (t != JsonToken.START_OBJECT) throw error("expected an object, got " + describe(t));
          budget.charge(MemoryEstimate.PROTO_MESSAGE_FROM_JSON);
          Message.Builder b = parent.newBuilderForField(fd);
          readObject(b);
          return b.build();
        }
        case STRING -> {
          if (t != JsonToken.VALUE_STRING) throw error("expected a string, got " + describe(t));
          String text = p.getText();
          budget.charge(MemoryEstimate.string(text.length()));
          return Utf16.replaceLoneSurrogates(text);
        }
        case BOOLEAN -> {
          if (t == JsonToken.VALUE_TRUE) return Boolean.TRUE;
          if (t == JsonToken.VALUE_FALSE) return Boolean.FALSE;
          throw error("expected true or false, got " + describe(t));
        }
        case INT -> {
          long v = readInteger(t);
          boolean unsigned = isUnsigned(fd);
          if (unsigned
              ? v < 0 || v > 0xFFFFFFFFL
              : v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error(
                "integer "
                    + v
                    + " is out of range for a "
                    + (unsigned ? "uint32" : "int32")
                    + " field");
          }
          return (int) v;
        }
        case LONG -> {
          return isUnsigned(fd) ? readUnsignedLong(t) : readInteger(t);
        }
        case FLOAT -> {
          return (float) readDouble(t);
        }
        case DOUBLE -> {
          return readDouble(t);
        }
        case ENUM -> {
          if (t == JsonToken.VALUE_NUMBER_INT) {
            return fd.getEnumType().findValueByNumberCreatingIfUnknown(p.getIntValue());
          }
          if (t == JsonToken.VALUE_STRING) {
            EnumValueDescriptor v = fd.getEnumType().findValueByName(p.getText());
            if (v == null)
              throw error("unknown " + fd.getEnumType().getName() + " value '" + p.getText() + "'");
            return v;
          }
          throw error("expected an enum number, got " + describe(t));
        }
        case BYTE_STRING -> {
          if (t != JsonToken.VALUE_STRING) throw error("expected a string, got " + describe(t));
          budget.charge(MemoryEstimate.BYTES + p.getTextLength());
          return HEX_FIELDS.contains(fd.getName()) ? hex(p.getText()) : base64(p.getText());
        }
      }
      throw error("unsupported field type " + fd.getType());
    }

    private long readInteger(JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER)
          throw error("integer " + p.getText() + " is too large");
        return p.getLongValue();
      }
      if (t == JsonToken.VALUE_STRING) {
        try {
          return Long.parseLong(p.getText().trim());
        } catch (NumberFormatException e) {
          throw error("expected an integer, got \"" + p.getText() + "\"");
        }
      }
      if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        double d = p.getDoubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) return (long) d;
      }
      throw error("expected an integer, got " + describe(t));
    }

    private long readUnsignedLong(JsonToken t) throws IOException {
      String text = p.getText().trim();
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_STRING) {
        try {
          return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
          throw error("expected an unsigned 64-bit integer, got " + describe(t));
        }
      }
      if (t == JsonToken.VALUE_NUMBER_FLOAT) return readInteger(t);
      throw error("expected an unsigned 64-bit integer, got " + describe(t));
    }

    private double readDouble(JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)
        return p.getDoubleValue();
      if (t == JsonToken.VALUE_STRING) {
        String s = p.getText().trim();
        switch (s) {
          case "NaN":
            return Double.NaN;
          case "Infinity":
            return Double.POSITIVE_INFINITY;
          case "-Infinity":
            return Double.NEGATIVE_INFINITY;
          default:
            try {
              return Double.parseDouble(s);
            } catch (NumberFormatException e) {
              throw error("expected a number, got \"" + s + "\"");
            }
        }
      }
      throw error("expected a number, got " + describe(t));
    }

    private ByteString hex(String s) {
      try {
        return ByteString.copyFrom(java.util.HexFormat.of().parseHex(s));
      } catch (IllegalArgumentException e) {
        throw error("expected a hex string, got \"" + abbreviate(s) + "\"");
      }
    }

    private ByteString base64(String s) {
      try {
        return ByteString.copyFrom(Base64.getDecoder().decode(s));
      } catch (IllegalArgumentException e) {
        try {
          return ByteString.copyFrom(Base64.getUrlDecoder().decode(s));
        } catch (IllegalArgumentException e2) {
          throw error("expected a base64 string, got \"" + abbreviate(s) + "\"");
        }
      }
    }

    private OtlpJsonException error(String what) {
      JsonLocation loc = p.currentTokenLocation();
      StringBuilder sb = new StringBuilder();
      for (String part : path) {
        if (sb.length() > 0 && !part.startsWith("[")) sb.append('.');
        sb.append(part);
      }
      String where = sb.length() == 0 ? "" : sb + ": ";
      return new OtlpJsonException(
          where + what + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")");
    }

    private String describe(JsonToken t) throws IOException {
      if (t == null) return "end of input";
      return switch (t) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case VALUE_STRING -> "the string \"" + abbreviate(p.getText()) + "\"";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
        case VALUE_TRUE, VALUE_FALSE -> p.getText();
        case VALUE_NULL -> "null";
        default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
      };
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static Map<String, FieldDescriptor> fieldsByJsonKey(Descriptor d) {
    return FIELDS_BY_JSON_KEY.computeIfAbsent(
        d,
        desc -> {
          Map<String, FieldDescriptor> m = new HashMap<>();
          for (FieldDescriptor fd : desc.getFields()) {
            m.put(fd.getName(), fd);
            m.put(fd.getJsonName(), fd);
          }
          return Map.copyOf(m);
        });
  }
}
