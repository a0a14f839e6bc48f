package io.stacklens.exporter.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import java.io.IOException;

/**
 * Encodes a whole batch into newline-terminated lines in a reused buffer. One instance per sender
 * thread (not thread-safe); the buffer is only valid until the next {@link #encode}.
 */
final class BatchEncoder {
  private static final JsonFactory JSON =
      JsonFactory.builder().disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  private final FileFormat format;
  private final ByteBuf buffer = new ByteBuf(64 * 1024);
  private final LineWriter line = new LineWriter();
  private final JsonLinesLogs logLines = new JsonLinesLogs(buffer);

  BatchEncoder(FileFormat format) {
    this.format = format;
  }

  /**
   * Encodes {@code batch}; returns the buffer holding only whole lines. Throws
   * {@link IllegalArgumentException} when a record holds a value that cannot be encoded.
   */
  ByteBuf encode(Batch batch) throws IOException {
    buffer.reset();
    if (format == FileFormat.JSON_LINES && batch instanceof LogsBatch logs) {
      // The hot path: written as bytes directly, without a Jackson generator.
      logLines.write(logs);
      return buffer;
    }
    JsonGenerator gen = JSON.createGenerator(buffer);
    gen.setRootValueSeparator(null);
    try {
      switch (format) {
        case JSON_LINES -> encodeJsonLines(batch, gen);
        case OTLP_JSON -> encodeOtlpJson(batch, gen);
      }
      gen.flush();
    } finally {
      gen.close();
    }
    return buffer;
  }

  private void encodeJsonLines(Batch batch, JsonGenerator gen) throws IOException {
    if (batch instanceof TracesBatch traces) {
      JsonLinesSpans.write(traces, gen, line);
    } else if (batch instanceof MetricsBatch metrics) {
      JsonLinesMetrics.write(metrics, gen, line);
    }
  }

  private static void encodeOtlpJson(Batch batch, JsonGenerator gen) throws IOException {
    if (batch.isEmpty()) return;
    if (batch instanceof LogsBatch logs) {
      OtlpJson.write(OtlpLogs.toProto(logs), gen);
    } else if (batch instanceof TracesBatch traces) {
      OtlpJson.write(traces.toRequest(), gen);
    } else if (batch instanceof MetricsBatch metrics) {
      OtlpJson.write(metrics.toRequest(), gen);
    }
    gen.writeRaw('\n');
  }
}
