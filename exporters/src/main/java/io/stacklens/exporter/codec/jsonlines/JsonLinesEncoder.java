package io.stacklens.exporter.codec.jsonlines;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.TracesBatch;
import java.io.IOException;

/**
 * The {@code json_lines} codec: one flat JSON object per log record, span or metric data point,
 * each followed by a newline (fields in docs/exporters/file.md), appended to a {@link ByteBuf}.
 * Used by the {@code file} exporter (whole batches, handed to the file in chunks) and, through
 * {@link JsonRecordEncoder}, the {@code kafka} exporter (one message per record). Logs are written
 * as bytes directly ({@link Utf8JsonWriter}, the hot path); spans and metrics through a Jackson
 * generator. One instance per thread; not thread-safe.
 */
public final class JsonLinesEncoder {
  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  /** Called after each whole line, with every byte of it in the buffer. */
  @FunctionalInterface
  public interface LineEnd {
    /**
     * Returns true when it emptied the buffer (handed its bytes on), so that bytes written before
     * are gone; false when it left the buffer as it was.
     */
    boolean afterLine() throws IOException;
  }

  private final ByteBuf out;
  private final LineWriter line = new LineWriter();
  private final JsonLinesLogs logs;

  /** An encoder appending to {@code out}. */
  public JsonLinesEncoder(ByteBuf out) {
    this.out = out;
    this.logs = new JsonLinesLogs(out);
  }

  /**
   * Appends one line per record of {@code batch} to the buffer, calling {@code lineEnd} (may be
   * null) after each line (for metrics: after each metric's lines). Throws {@link
   * IllegalArgumentException} when a record holds a value that is no AnyValue kind; the buffer then
   * holds a partial line.
   */
  public void encode(Batch batch, LineEnd lineEnd) throws IOException {
    if (batch instanceof LogsBatch l) {
      logs.write(l, lineEnd);
      return;
    }
    JsonGenerator gen = JSON.createGenerator(out);
    gen.setRootValueSeparator(null);
    LineEnd flushed =
        lineEnd == null
            ? null
            : () -> {
              gen.flush();
              return lineEnd.afterLine();
            };
    try {
      if (batch instanceof TracesBatch traces) {
        JsonLinesSpans.write(traces, gen, line, flushed);
      } else if (batch instanceof MetricsBatch metrics) {
        JsonLinesMetrics.write(metrics, gen, line, flushed);
      }
      gen.flush();
    } finally {
      gen.close();
    }
  }
}
