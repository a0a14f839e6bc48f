package io.stacklens.exporter.file;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.stacklens.agent.data.Attributes;
import java.io.IOException;
import java.util.List;

/**
 * Writes OTLP AnyValues as plain JSON for the {@code json_lines} format: strings, integers, doubles,
 * booleans and null keep their JSON type, arrays become arrays, kvlists objects, bytes base64 strings.
 * Handles both the model's plain objects ({@link Attributes}) and protobuf {@link AnyValue}s (spans, metrics).
 */
final class JsonValues {
  private JsonValues() {}

  static void writeAttributes(Attributes attributes, JsonGenerator gen) throws IOException {
    gen.writeStartObject();
    for (int i = 0; i < attributes.size(); i++) {
      gen.writeFieldName(attributes.key(i));
      writeValue(attributes.value(i), gen);
    }
    gen.writeEndObject();
  }

  /** Writes one model value; throws {@link IllegalArgumentException} for a type that is no AnyValue kind. */
  static void writeValue(Object value, JsonGenerator gen) throws IOException {
    if (value == null) {
      gen.writeNull();
    } else if (value instanceof String s) {
      gen.writeString(s);
    } else if (value instanceof Long l) {
      gen.writeNumber(l);
    } else if (value instanceof Double d) {
      gen.writeNumber(d);
    } else if (value instanceof Boolean b) {
      gen.writeBoolean(b);
    } else if (value instanceof Attributes kv) {
      writeAttributes(kv, gen);
    } else if (value instanceof List<?> list) {
      gen.writeStartArray();
      for (Object o : list) writeValue(o, gen);
      gen.writeEndArray();
    } else if (value instanceof byte[] bytes) {
      gen.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, bytes, 0, bytes.length);
    } else if (value instanceof Integer i) {
      gen.writeNumber(i.longValue());
    } else if (value instanceof Float f) {
      gen.writeNumber(f.doubleValue());
    } else {
      throw new IllegalArgumentException("value of type " + value.getClass().getName() + " is not an OTLP AnyValue kind");
    }
  }

  static void writeKeyValues(List<KeyValue> kvs, JsonGenerator gen) throws IOException {
    gen.writeStartObject();
    for (KeyValue kv : kvs) {
      gen.writeFieldName(kv.getKey());
      writeAnyValue(kv.getValue(), gen);
    }
    gen.writeEndObject();
  }

  static void writeAnyValue(AnyValue v, JsonGenerator gen) throws IOException {
    switch (v.getValueCase()) {
      case STRING_VALUE -> gen.writeString(v.getStringValue());
      case INT_VALUE -> gen.writeNumber(v.getIntValue());
      case DOUBLE_VALUE -> gen.writeNumber(v.getDoubleValue());
      case BOOL_VALUE -> gen.writeBoolean(v.getBoolValue());
      case BYTES_VALUE -> {
        byte[] bytes = v.getBytesValue().toByteArray();
        gen.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, bytes, 0, bytes.length);
      }
      case ARRAY_VALUE -> {
        gen.writeStartArray();
        for (AnyValue e : v.getArrayValue().getValuesList()) writeAnyValue(e, gen);
        gen.writeEndArray();
      }
      case KVLIST_VALUE -> writeKeyValues(v.getKvlistValue().getValuesList(), gen);
      default -> gen.writeNull();
    }
  }
}
