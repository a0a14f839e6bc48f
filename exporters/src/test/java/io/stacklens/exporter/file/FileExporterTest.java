package io.stacklens.exporter.file;

import static io.stacklens.exporter.file.TestData.HOST;
import static io.stacklens.exporter.file.TestData.T0;
import static io.stacklens.exporter.file.TestData.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.StartException;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileExporterTest {
  @TempDir Path dir;
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final List<FileExporter> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (FileExporter e : started) e.shutdown(Instant.now().plusSeconds(5));
  }

  private FileExporterConfig config(String name) {
    FileExporterConfig c = new FileExporterFactory().createDefaultConfig();
    c.path = dir.resolve(name).toString();
    return c;
  }

  private FileExporter start(FileExporterConfig c) throws Exception {
    return start(c, java.time.Clock.systemUTC());
  }

  private FileExporter start(FileExporterConfig c, java.time.Clock clock) throws Exception {
    FileExporter e = new FileExporter(context(metrics), c, clock);
    started.add(e);
    e.start(HOST);
    return e;
  }

  @Test
  void jsonLinesWritesOneFlatObjectPerLogRecord() throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    FileExporter exporter = start(c);
    ResourceLogs rl = TestData.resource(Attributes.of("service.name", "web"));
    TestData.scope(rl, "io.http", "1.0", new Attributes())
        .logRecords()
        .add(
            new LogRecord(
                    Attributes.of(
                        "user",
                        "ana",
                        "n",
                        3L,
                        "ratio",
                        0.5,
                        "ok",
                        true,
                        "tags",
                        Attributes.listOf("a", 1L),
                        "raw",
                        new byte[] {1, 2, 3}))
                .setTimeUnixNano(T0)
                .setObservedTimeUnixNano(T0 + 1)
                .setSeverityNumber(13)
                .setSeverityText("WARN")
                .setBody(Attributes.of("msg", "slow", "ms", 120L))
                .setTraceId(TestData.traceId())
                .setSpanId(TestData.spanId())
                .setFlags(1)
                .setEventName("slow.request")
                .setDroppedAttributesCount(2));
    exporter.push(new LogsBatch(new ArrayList<>(List.of(rl))));
    exporter.flush();

    assertThat(Files.readString(Path.of(c.path)))
        .isEqualTo(
            "{\"timestamp\":\"2024-05-01T12:34:56.123456789Z\",\"time_unix_nano\":1714566896123456789,"
                + "\"observed_time_unix_nano\":1714566896123456790,\"severity_number\":13,\"severity_text\":\"WARN\","
                + "\"body\":{\"msg\":\"slow\",\"ms\":120},\"trace_id\":\"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\","
                + "\"span_id\":\"01020304050607ff\",\"flags\":1,\"event_name\":\"slow.request\","
                + "\"attributes\":{\"user\":\"ana\",\"n\":3,\"ratio\":0.5,\"ok\":true,\"tags\":[\"a\",1],\"raw\":\"AQID\"},"
                + "\"dropped_attributes_count\":2,\"resource\":{\"service.name\":\"web\"},"
                + "\"scope\":{\"name\":\"io.http\",\"version\":\"1.0\"}}\n");
  }

  @Test
  void jsonLinesOmitsAbsentIdsBodyAndEventNameAndUsesObservedTimeWhenTimeIsUnset()
      throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    FileExporter exporter = start(c);
    ResourceLogs rl = TestData.resource(new Attributes());
    TestData.scope(rl, "", "", new Attributes())
        .logRecords()
        .add(new LogRecord().setObservedTimeUnixNano(T0));
    exporter.push(new LogsBatch(new ArrayList<>(List.of(rl))));
    exporter.flush();

    assertThat(Files.readString(Path.of(c.path)))
        .isEqualTo(
            "{\"timestamp\":\"2024-05-01T12:34:56.123456789Z\",\"time_unix_nano\":0,"
                + "\"observed_time_unix_nano\":1714566896123456789,\"severity_number\":0,\"severity_text\":\"\","
                + "\"flags\":0,\"attributes\":{},\"resource\":{},\"scope\":{\"name\":\"\",\"version\":\"\"}}\n");
  }

  @Test
  void createsMissingParentDirectories() throws Exception {
    FileExporterConfig c = config("a/b/c/logs.jsonl");
    start(c).push(TestData.simpleBatch(2, "x"));

    assertThat(Path.of(c.path)).exists();
  }

  @Test
  void flushOnShutdownWritesEverythingStillBuffered() throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    c.flushInterval = Duration.ofHours(1);
    FileExporter exporter = start(c);
    for (int i = 0; i < 20; i++) exporter.push(TestData.simpleBatch(5, "b" + i));
    assertThat(Files.size(Path.of(c.path))).as("small pushes stay in the write buffer").isZero();

    exporter.shutdown(Instant.now().plusSeconds(5));

    assertThat(FileRecordsReader.readAllLogs(Path.of(c.path)).recordCount()).isEqualTo(100);
  }

  @Test
  void flushTimerWritesBufferedLinesWithoutAnExplicitFlush() throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    c.flushInterval = Duration.ofMillis(50);
    start(c).push(TestData.simpleBatch(3, "t"));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(FileRecordsReader.readLines(Path.of(c.path))).hasSize(3));
  }

  @Test
  void fsyncWithZeroFlushIntervalMakesEveryPushVisibleAtOnce() throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    c.fsync = true;
    c.flushInterval = Duration.ZERO;
    FileExporter exporter = start(c);

    exporter.push(TestData.simpleBatch(4, "durable"));

    assertThat(FileRecordsReader.readLines(Path.of(c.path))).hasSize(4);
    exporter.push(TestData.simpleBatch(1, "again"));
    exporter.flush();
    assertThat(FileRecordsReader.readLines(Path.of(c.path))).hasSize(5);
  }

  @Test
  void appendsToAnExistingFile() throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    FileExporter first = start(c);
    first.push(TestData.simpleBatch(2, "first"));
    first.shutdown(Instant.now().plusSeconds(5));

    FileExporter second = start(c);
    second.push(TestData.simpleBatch(3, "second"));
    second.shutdown(Instant.now().plusSeconds(5));

    assertThat(FileRecordsReader.readAllLogs(Path.of(c.path)).recordCount()).isEqualTo(5);
  }

  @Test
  void concurrentPushesFromSeveralThreadsProduceOnlyWholeLines() throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    c.flushInterval = Duration.ofMillis(5);
    FileExporter exporter = start(c);
    int threads = 4;
    int pushes = 100;
    int perPush = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String prefix = "thread" + t;
      done.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < pushes; i++)
                  exporter.push(TestData.simpleBatch(perPush, prefix));
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) f.get();
    pool.shutdown();
    exporter.shutdown(Instant.now().plusSeconds(5));

    List<LogRecord> read = TestData.records(FileRecordsReader.readAllLogs(Path.of(c.path)));
    assertThat(read).hasSize(threads * pushes * perPush);
    for (int t = 0; t < threads; t++) {
      String prefix = "thread" + t;
      assertThat(read)
          .filteredOn(r -> prefix.equals(r.attributes().get("prefix")))
          .hasSize(pushes * perPush);
    }
  }

  @Test
  void aRecordThatCannotBeEncodedFailsThePushPermanentlyAndWritesNothing() throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    c.flushInterval = Duration.ZERO;
    FileExporter exporter = start(c);
    LogsBatch batch = TestData.simpleBatch(3, "bad");
    TestData.records(batch).get(2).attributes().put("oops", new StringBuilder("not an AnyValue"));

    assertThatThrownBy(() -> exporter.push(batch))
        .isInstanceOfSatisfying(ExportException.class, e -> assertThat(e.isPermanent()).isTrue())
        .hasMessageContaining("exporter file: cannot encode logs batch as json_lines")
        .hasMessageContaining("java.lang.StringBuilder");
    assertThat(Files.size(Path.of(c.path))).isZero();
  }

  @Test
  void pushAfterShutdownIsRetryable() throws Exception {
    FileExporter exporter = start(config("logs.jsonl"));
    exporter.shutdown(Instant.now().plusSeconds(5));
    exporter.shutdown(Instant.now().plusSeconds(5));

    assertThatThrownBy(() -> exporter.push(TestData.simpleBatch(1, "late")))
        .isInstanceOfSatisfying(ExportException.class, e -> assertThat(e.isPermanent()).isFalse())
        .hasMessage("exporter file is not running");
  }

  /** A logger that keeps what is logged at WARNING and above, as "LEVEL message". */
  private static final class CapturingLogger implements System.Logger {
    final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public String getName() {
      return "capture";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
      if (level.getSeverity() >= Level.WARNING.getSeverity()) warnings.add(level + " " + msg);
    }

    @Override
    public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
      log(
          level,
          bundle,
          params == null ? format : java.text.MessageFormat.format(format, params),
          (Throwable) null);
    }
  }

  @ParameterizedTest(name = "max_megabytes {0}, compress {1}")
  @CsvSource({"0, true", "1, false"})
  void shutdownWithRotationOrCompressionOffLogsNoWarningAboutCompressingRotatedFiles(
      int maxMegabytes, boolean compress) throws Exception {
    FileExporterConfig c = config("logs.jsonl");
    c.rotation.maxMegabytes = maxMegabytes;
    c.rotation.maxAge = Duration.ZERO;
    c.rotation.compress = compress;
    CapturingLogger log = new CapturingLogger();
    var ctx = context(metrics);
    FileExporter exporter =
        new FileExporter(
            new io.stacklens.agent.api.ComponentContext(ctx.id(), ctx.kind(), metrics, log, null),
            c,
            java.time.Clock.systemUTC());
    exporter.start(HOST);
    exporter.push(TestData.simpleBatch(3, "x"));
    // a deadline already reached: nothing is left to wait for, so nothing is worth a warning
    exporter.shutdown(Instant.now());

    assertThat(log.warnings).noneMatch(w -> w.contains("compress"));
    assertThat(FileRecordsReader.readAllLogs(dir.resolve("logs.jsonl")).recordCount()).isEqualTo(3);
  }

  @Test
  void shutdownBeforeStartIsSafe() {
    new FileExporter(context(metrics), config("never.jsonl")).shutdown(Instant.now());
    assertThat(dir.resolve("never.jsonl")).doesNotExist();
  }

  @Test
  void startFailsNamingThePathSettingWhenThePathIsADirectory() throws Exception {
    Files.createDirectories(dir.resolve("taken.jsonl"));
    FileExporter exporter = new FileExporter(context(metrics), config("taken.jsonl"));

    assertThatThrownBy(() -> exporter.start(HOST))
        .isInstanceOfSatisfying(StartException.class, e -> assertThat(e.key()).isEqualTo("path"))
        .hasMessage(
            "cannot open "
                + dir.resolve("taken.jsonl")
                + " for writing: it is a directory; set path to a file name"
                + " in it, e.g. "
                + dir.resolve("taken.jsonl").resolve("out.jsonl"));
  }

  @Test
  void startFailsInPlainWordsWhenADirectoryOfThePathIsAFileEvenForRoot() throws Exception {
    Path regularFile = Files.writeString(dir.resolve("plain-file"), "x");
    FileExporter exporter = new FileExporter(context(metrics), config("plain-file/logs/out.jsonl"));

    assertThatThrownBy(() -> exporter.start(HOST))
        .isInstanceOf(StartException.class)
        .hasMessage(
            "cannot open "
                + regularFile.resolve("logs/out.jsonl")
                + " for writing: a part of the path is a file, not a"
                + " directory; set path to a file in a directory")
        .hasMessageNotContaining("Exception");
  }

  static List<Path> backups(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().equals("logs.jsonl")).sorted().toList();
    }
  }
}
