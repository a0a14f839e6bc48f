package io.stacklens.exporter.file;

import io.stacklens.agent.data.Batch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code json_lines} encoding of the file exporter, one record at a time: for other exporters
 * (Kafka) that send each log record, span or metric data point as its own message. Each returned
 * array is exactly one line the file exporter writes for that record, without the newline, in the
 * order the batch holds its records (for metrics: one per data point). One instance per thread.
 */
public final class JsonRecordEncoder {
  private final BatchEncoder encoder = new BatchEncoder(FileFormat.JSON_LINES);

  /**
   * Encodes every record of {@code batch}. Throws {@link IllegalArgumentException} when a record
   * holds a value that cannot be encoded.
   */
  public List<byte[]> encode(Batch batch) throws IOException {
    ByteBuf buf = encoder.encode(batch);
    byte[] bytes = buf.array();
    int size = buf.size();
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
}
