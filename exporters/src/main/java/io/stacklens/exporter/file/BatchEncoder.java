package io.stacklens.exporter.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.MessageOrBuilder;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.exporter.codec.jsonlines.ByteBuf;
import io.stacklens.exporter.codec.jsonlines.JsonLinesEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a whole batch into newline-terminated lines in a reused buffer: {@code json_lines}
 * through the shared codec ({@link JsonLinesEncoder}), {@code otlp_json} one export request per
 * line. One instance per sender thread (not thread-safe); the buffer is only valid until the next
 * {@link #encode}.
 */
final class BatchEncoder {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
          .build();

  /**
   * Encoded bytes handed to the sink at a time (plus the line that crossed it): what one push holds
   * outside the batch itself, whatever the batch's size (a batch of large records escaped as JSON
   * can be several times its decoded size).
   */
  static final int CHUNK = 1024 * 1024;

  /** Receives encoded whole lines, about {@link #CHUNK} bytes at a time. */
  @FunctionalInterface
  interface Sink {
    void write(byte[] bytes, int length) throws IOException;
  }

  private final FileFormat format;
  private final ByteBuf buffer = new ByteBuf(64 * 1024);
  private final JsonLinesEncoder jsonLines = new JsonLinesEncoder(buffer);

  BatchEncoder(FileFormat format) {
    this.format = format;
  }

  /**
   * Encodes {@code batch} entirely into the buffer and returns it, holding only whole lines (for
   * callers that need the batch's bytes in one piece). Throws {@link IllegalArgumentException} when
   * a record holds a value that cannot be encoded.
   */
  ByteBuf encode(Batch batch) throws IOException {
    encode(batch, null);
    return buffer;
  }

  /**
   * Encodes {@code batch} and hands the lines to {@code sink} whenever about {@link #CHUNK} bytes
   * are ready, and the rest at the end; with a null sink everything stays in the buffer. Throws
   * {@link IllegalArgumentException} when a record holds a value that cannot be encoded (lines
   * handed over before it are written).
   */
  void encode(Batch batch, Sink sink) throws IOException {
    buffer.reset();
    Drain drain = new Drain(sink);
    if (format == FileFormat.JSON_LINES) {
      jsonLines.encode(batch, drain::afterLine);
      drain.finish();
      return;
    }
    JsonGenerator gen = JSON.createGenerator(buffer);
    gen.setRootValueSeparator(null);
    drain.gen = gen;
    try {
      encodeOtlpJson(batch, gen, drain);
      gen.flush();
    } finally {
      gen.close();
    }
    drain.finish();
  }

  /** Called after each whole line: passes the buffer to the sink once it holds a chunk. */
  private final class Drain {
    private final Sink sink;
    JsonGenerator gen;

    Drain(Sink sink) {
      this.sink = sink;
    }

    /** True when the buffer was handed over and emptied (bytes written earlier in it are gone). */
    boolean afterLine() throws IOException {
      if (sink == null) return false;
      if (gen != null) gen.flush();
      if (buffer.size() < CHUNK) return false;
      sink.write(buffer.array(), buffer.size());
      buffer.reset();
      return true;
    }

    /** True when the buffer holds a chunk the sink would take now. */
    boolean sinkWouldTake() {
      return sink != null && buffer.size() >= CHUNK;
    }

    void finish() throws IOException {
      if (sink != null && buffer.size() > 0) {
        sink.write(buffer.array(), buffer.size());
        buffer.reset();
      }
    }
  }

  /**
   * One export request per line, its resources written one at a time: once a line holds a chunk, it
   * is closed and the next resources start a new request on the next line (every line stays a
   * complete request; small pushes stay one line).
   */
  private static void encodeOtlpJson(Batch batch, JsonGenerator gen, Drain drain)
      throws IOException {
    if (batch.isEmpty()) return;
    List<? extends MessageOrBuilder> resources;
    String field;
    if (batch instanceof LogsBatch logs) {
      List<MessageOrBuilder> converted = new ArrayList<>(logs.resourceLogs().size());
      for (ResourceLogs rl : logs.resourceLogs()) {
        converted.add(
            OtlpLogs.toProto(new LogsBatch(new ArrayList<>(List.of(rl)))).getResourceLogs(0));
      }
      resources = converted;
      field = "resourceLogs";
    } else if (batch instanceof TracesBatch traces) {
      resources = traces.resourceSpans();
      field = "resourceSpans";
    } else {
      resources = ((MetricsBatch) batch).resourceMetrics();
      field = "resourceMetrics";
    }
    boolean open = false;
    for (MessageOrBuilder resource : resources) {
      if (!open) {
        gen.writeStartObject();
        gen.writeFieldName(field);
        gen.writeStartArray();
        open = true;
      }
      OtlpJson.write(resource, gen);
      gen.flush();
      if (drain.sinkWouldTake()) {
        closeRequest(gen);
        open = false;
        drain.afterLine();
      }
    }
    if (open) closeRequest(gen);
  }

  private static void closeRequest(JsonGenerator gen) throws IOException {
    gen.writeEndArray();
    gen.writeEndObject();
    gen.writeRaw('\n');
  }
}
