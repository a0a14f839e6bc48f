package io.stacklens.exporter.codec.jsonlines;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.util.List;

/**
 * Writes protobuf {@link AnyValue}s (spans, metrics) as plain JSON for the {@code json_lines}
 * format: strings, integers, doubles, booleans and null keep their JSON type, arrays become arrays,
 * kvlists objects, bytes base64 strings. Logs use the model's plain objects through {@link
 * Utf8JsonWriter#value}.
 */
final class JsonValues {
  private JsonValues() {}

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
