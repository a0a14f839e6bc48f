package io.stacklens.exporter.codec.jsonlines;

import io.stacklens.agent.data.Batch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code json_lines} encoding one record at a time: for exporters (Kafka) that send each log
 * record, span or metric data point as its own message. Each returned array is exactly the line the
 * file exporter writes for that record, without the newline, in the order the batch holds its
 * records (for metrics: one per data point). One instance per thread.
 */
public final class JsonRecordEncoder {
  private final ByteBuf buffer = new ByteBuf(64 * 1024);
  private final JsonLinesEncoder encoder = new JsonLinesEncoder(buffer);
  private final Utf8JsonWriter values = new Utf8JsonWriter(buffer);

  /**
   * Encodes every record of {@code batch}. Throws {@link IllegalArgumentException} when a record
   * holds a value that cannot be encoded.
   */
  public List<byte[]> encode(Batch batch) throws IOException {
    buffer.reset();
    encoder.encode(batch, null);
    byte[] bytes = buffer.array();
    int size = buffer.size();
    List<byte[]> lines = new ArrayList<>(batch.recordCount());
    int start = 0;
    for (int i = 0; i < size; i++) {
      // JSON strings escape control characters, so a raw '\n' only ends a line.
      if (bytes[i] == '\n') {
        lines.add(Arrays.copyOfRange(bytes, start, i));
        start = i + 1;
      }
    }
    return lines;
  }

  /**
   * One value of the data model (a body, an attribute value: a kvlist, an array, a scalar) as the
   * JSON the lines hold for it (bytes as base64 strings). Throws {@link IllegalArgumentException}
   * for an object that is no AnyValue kind.
   */
  public byte[] value(Object value) {
    buffer.reset();
    values.value(value);
    return Arrays.copyOf(buffer.array(), buffer.size());
  }
}
