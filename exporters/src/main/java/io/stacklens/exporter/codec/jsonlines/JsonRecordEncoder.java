package io.stacklens.exporter.codec.jsonlines;

import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.MetricsBatch;
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

  /** The lines of the batch being encoded, and where the next one starts in the buffer. */
  private List<byte[]> lines;

  private int lineStart;

  /** Cuts each log record's or span's line off the buffer as soon as the encoder ends it. */
  private final JsonLinesEncoder.LineEnd cutLine =
      () -> {
        int end = buffer.size() - 1; // without the newline
        lines.add(Arrays.copyOfRange(buffer.array(), lineStart, end));
        lineStart = buffer.size();
        return false; // the buffer is left as it was (the scope's tail is copied from it)
      };

  /**
   * Encodes every record of {@code batch}. Throws {@link IllegalArgumentException} when a record
   * holds a value that cannot be encoded.
   */
  public List<byte[]> encode(Batch batch) throws IOException {
    buffer.reset();
    lines = new ArrayList<>(batch.recordCount());
    lineStart = 0;
    if (batch instanceof MetricsBatch) {
      // The encoder ends a metric, not a data point, at a time: find each data point's line.
      encoder.encode(batch, null);
      splitAtNewlines();
    } else {
      // One record per call: the line is what the buffer gained since the last one.
      encoder.encode(batch, cutLine);
    }
    List<byte[]> out = lines;
    lines = null;
    return out;
  }

  private void splitAtNewlines() {
    byte[] bytes = buffer.array();
    int size = buffer.size();
    for (int i = 0; i < size; i++) {
      // JSON strings escape control characters, so a raw '\n' only ends a line.
      if (bytes[i] == '\n') {
        lines.add(Arrays.copyOfRange(bytes, lineStart, i));
        lineStart = i + 1;
      }
    }
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
