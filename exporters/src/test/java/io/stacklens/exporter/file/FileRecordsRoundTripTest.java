package io.stacklens.exporter.file;

import static io.stacklens.exporter.file.TestData.HOST;
import static io.stacklens.exporter.file.TestData.context;
import static io.stacklens.exporter.file.TestData.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRecordsRoundTripTest {
  @TempDir Path dir;

  private Path write(FileFormat format, LogsBatch... batches) throws Exception {
    Path path = dir.resolve("out/logs.jsonl");
    FileExporterConfig c = new FileExporterFactory().createDefaultConfig();
    c.path = path.toString();
    c.format = format;
    FileExporter exporter = new FileExporter(context(new MetricsRegistry()), c);
    exporter.start(HOST);
    for (LogsBatch b : batches) exporter.push(b);
    exporter.shutdown(Instant.now().plusSeconds(5));
    return path;
  }

  @Test
  void jsonLinesRoundTripsEveryRecordFieldAndValueKindExceptBytes() throws Exception {
    LogsBatch original = TestData.variedBatch();
    Path path = write(FileFormat.JSON_LINES, original);

    LogsBatch read = FileRecordsReader.readAllLogs(path);

    List<LogRecord> expected = records(original);
    List<LogRecord> actual = records(read);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).sameAs(expected.get(i)))
          .as("record %d: expected %s but read %s", i, expected.get(i), actual.get(i))
          .isTrue();
    }
  }

  @Test
  void jsonLinesRebuildsResourcesAndScopesFromConsecutiveLines() throws Exception {
    LogsBatch original = TestData.variedBatch();
    LogsBatch read = FileRecordsReader.readAllLogs(write(FileFormat.JSON_LINES, original));

    assertThat(read.resourceLogs()).hasSize(2);
    ResourceLogs web = read.resourceLogs().get(0);
    assertThat(web.resource().attributes())
        .isEqualTo(original.resourceLogs().get(0).resource().attributes());
    assertThat(web.scopeLogs())
        .extracting(s -> s.scope().name())
        .containsExactly("io.http", "io.db");
    ScopeLogs http = web.scopeLogs().get(0);
    assertThat(http.scope().version()).isEqualTo("1.2.3");
    assertThat(http.scope().attributes()).isEqualTo(Attributes.of("lib", "netty"));
  }

  @Test
  void jsonLinesReadsBytesBackAsBase64Strings() throws Exception {
    byte[] bytes = {0, 1, 2, (byte) 0xfe, (byte) 0xff};
    LogsBatch batch = TestData.simpleBatch(1, "bytes");
    records(batch).get(0).attributes().put("raw", bytes);
    records(batch).get(0).setBody(bytes);

    LogRecord read =
        records(FileRecordsReader.readAllLogs(write(FileFormat.JSON_LINES, batch))).get(0);

    String base64 = Base64.getEncoder().encodeToString(bytes);
    assertThat(read.attributes().get("raw")).isEqualTo(base64);
    assertThat(read.body()).isEqualTo(base64);
  }

  @Test
  void otlpJsonRoundTripsLosslesslyIncludingBytesAndBatchBoundaries() throws Exception {
    LogsBatch first = TestData.variedBatch();
    records(first).get(0).attributes().put("raw", new byte[] {9, 8, 7});
    first.resourceLogs().get(0).setSchemaUrl("https://opentelemetry.io/schemas/1.26.0");
    LogsBatch second = TestData.simpleBatch(3, "second");

    List<LogsBatch> read = FileRecordsReader.readLogs(write(FileFormat.OTLP_JSON, first, second));

    assertThat(read).hasSize(2);
    assertSameRecords(read.get(0), first);
    assertSameRecords(read.get(1), second);
    assertThat(read.get(0).resourceLogs().get(0).schemaUrl())
        .isEqualTo("https://opentelemetry.io/schemas/1.26.0");
    assertThat(read.get(0).resourceLogs()).hasSameSizeAs(first.resourceLogs());
  }

  @Test
  void readerGroupsJsonLinesIntoBatchesOfAtMostTheBatchSize() throws Exception {
    Path path =
        write(
            FileFormat.JSON_LINES,
            TestData.simpleBatch(FileRecordsReader.JSON_LINES_BATCH_SIZE + 5, "x"));

    List<LogsBatch> read = FileRecordsReader.readLogs(path);

    assertThat(read)
        .extracting(LogsBatch::recordCount)
        .containsExactly(FileRecordsReader.JSON_LINES_BATCH_SIZE, 5);
  }

  @Test
  void readerNamesFileAndLineOfAMalformedRecord() throws IOException {
    Path path = dir.resolve("bad.jsonl");
    Files.writeString(
        path, "{\"time_unix_nano\":1,\"severity_number\":9}\n{\"attributes\": [1,2]}\n");

    assertThatThrownBy(() -> FileRecordsReader.readLogs(path))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(path + ":2: not a log record written by the file exporter");
  }

  private static void assertSameRecords(LogsBatch actual, LogsBatch expected) {
    List<LogRecord> a = records(actual);
    List<LogRecord> e = records(expected);
    assertThat(a).hasSameSizeAs(e);
    for (int i = 0; i < e.size(); i++) {
      assertThat(a.get(i).sameAs(e.get(i)))
          .as("record %d: expected %s but read %s", i, e.get(i), a.get(i))
          .isTrue();
    }
  }
}
