package io.stacklens.exporter.file;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.otlp.OtlpJson;
import io.stacklens.agent.otlp.OtlpLogs;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Reads files written by the {@code file} exporter back, for round-trips, replays and tests.
 * Accepts both formats (detected per line) and gzipped rotated files (detected by their magic
 * bytes).
 *
 * <p>An {@code otlp_json} line becomes one {@link LogsBatch}, exactly as pushed. {@code json_lines}
 * records are grouped into batches of at most {@link #JSON_LINES_BATCH_SIZE}; consecutive records
 * with equal resource attributes share a {@link ResourceLogs}, and with an equal scope a {@link
 * ScopeLogs}. What survives the {@code json_lines} round-trip is listed in docs/exporters/file.md.
 *
 * <p>Test code: shipped in the exporters test-jar, which the integration tests use.
 */
public final class FileRecordsReader {
  /** Most records put into one batch read from {@code json_lines}. */
  public static final int JSON_LINES_BATCH_SIZE = 1000;

  private FileRecordsReader() {}

  /** Every log batch in {@code file}, in file order. */
  public static List<LogsBatch> readLogs(Path file) throws IOException {
    List<LogsBatch> batches = new ArrayList<>();
    LogsBatch current = null;
    int lineNumber = 0;
    try (BufferedReader reader = open(file)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) continue;
        try {
          if (isOtlpJson(line, "resourceLogs", "resource_logs")) {
            batches.add(
                OtlpLogs.fromProto(OtlpJson.parseLogs(line.getBytes(StandardCharsets.UTF_8))));
            current = null;
            continue;
          }
          if (current == null || current.recordCount() >= JSON_LINES_BATCH_SIZE) {
            current = new LogsBatch();
            batches.add(current);
          }
          append(current, JsonLinesLogParser.parse(line));
        } catch (IOException | IllegalArgumentException e) {
          throw new IOException(
              file
                  + ":"
                  + lineNumber
                  + ": not a log record written by the file exporter: "
                  + e.getMessage(),
              e);
        }
      }
    }
    return batches;
  }

  /** All log records of {@code file} in one batch. */
  public static LogsBatch readAllLogs(Path file) throws IOException {
    LogsBatch all = new LogsBatch();
    for (LogsBatch b : readLogs(file)) all.appendAll(b);
    return all;
  }

  /** Every trace request of an {@code otlp_json} file. */
  public static List<ExportTraceServiceRequest> readTraceRequests(Path file) throws IOException {
    return readOtlpLines(file, OtlpJson::parseTraces);
  }

  /** Every metrics request of an {@code otlp_json} file. */
  public static List<ExportMetricsServiceRequest> readMetricRequests(Path file) throws IOException {
    return readOtlpLines(file, OtlpJson::parseMetrics);
  }

  /**
   * Non-blank lines of a file written in any format, gunzipped when needed (for tools and tests).
   */
  public static List<String> readLines(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = open(file)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) lines.add(line);
      }
    }
    return lines;
  }

  private static <T> List<T> readOtlpLines(Path file, Function<byte[], T> parse)
      throws IOException {
    List<T> out = new ArrayList<>();
    int lineNumber = 0;
    for (String line : readLines(file)) {
      lineNumber++;
      try {
        out.add(parse.apply(line.getBytes(StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            file + ": request " + lineNumber + " is not OTLP/JSON: " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static boolean isOtlpJson(String line, String camelKey, String snakeKey) {
    String head = line.stripLeading();
    return head.startsWith("{\"" + camelKey + "\"") || head.startsWith("{\"" + snakeKey + "\"");
  }

  private static void append(LogsBatch batch, JsonLinesLogParser.Line line) {
    List<ResourceLogs> resources = batch.resourceLogs();
    ResourceLogs rl = resources.isEmpty() ? null : resources.get(resources.size() - 1);
    if (rl == null || !rl.resource().attributes().equals(line.resource())) {
      rl = new ResourceLogs(new Resource(line.resource()), new ArrayList<>());
      resources.add(rl);
    }
    List<ScopeLogs> scopes = rl.scopeLogs();
    ScopeLogs sl = scopes.isEmpty() ? null : scopes.get(scopes.size() - 1);
    if (sl == null || !sameScope(sl.scope(), line.scope())) {
      sl = new ScopeLogs(line.scope(), new ArrayList<>());
      scopes.add(sl);
    }
    sl.logRecords().add(line.record());
  }

  private static boolean sameScope(InstrumentationScope a, InstrumentationScope b) {
    return a.name().equals(b.name())
        && a.version().equals(b.version())
        && Objects.equals(a.attributes(), b.attributes());
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    try {
      in.mark(2);
      int b1 = in.read();
      int b2 = in.read();
      in.reset();
      if (b1 == 0x1f && b2 == 0x8b) in = new GZIPInputStream(in, 64 * 1024);
    } catch (IOException e) {
      in.close();
      throw e;
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
