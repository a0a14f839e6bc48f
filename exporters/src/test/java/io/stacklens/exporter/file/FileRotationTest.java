package io.stacklens.exporter.file;

import static io.stacklens.exporter.file.TestData.HOST;
import static io.stacklens.exporter.file.TestData.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.telemetry.MetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRotationTest {
  private static final Instant START = Instant.parse("2024-05-01T10:00:00.250Z");

  @TempDir Path dir;
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final TestData.MutableClock clock = new TestData.MutableClock(START);
  private final List<FileExporter> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (FileExporter e : started) e.shutdown(Instant.now().plusSeconds(5));
  }

  private FileExporterConfig config() {
    FileExporterConfig c = new FileExporterFactory().createDefaultConfig();
    c.path = dir.resolve("logs.jsonl").toString();
    return c;
  }

  private FileExporter start(FileExporterConfig c) throws Exception {
    FileExporter e = new FileExporter(context(metrics), c, clock);
    started.add(e);
    e.start(HOST);
    return e;
  }

  private List<String> fileNames() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void rotatesBySizeKeepingEveryFileUnderTheLimitAndLosingNothing() throws Exception {
    FileExporterConfig c = config();
    c.rotation.maxMegabytes = 1;
    c.rotation.compress = false;
    FileExporter exporter = start(c);
    int pushes = 0;
    while (fileNames().size() < 3) {
      exporter.push(TestData.simpleBatch(200, "p" + pushes++));
      clock.advance(Duration.ofMillis(1));
    }
    exporter.shutdown(Instant.now().plusSeconds(5));

    long records = 0;
    for (String name : fileNames()) {
      Path p = dir.resolve(name);
      assertThat(Files.size(p)).as(name).isLessThanOrEqualTo(1024 * 1024);
      records += FileRecordsReader.readAllLogs(p).recordCount();
    }
    assertThat(records).isEqualTo(pushes * 200L);
    assertThat(fileNames())
        .allMatch(n -> n.matches("logs(-20240501T1000\\d\\d\\.\\d{3})?\\.jsonl"));
    assertThat(metrics.counterValue("stacklens_exporter_file_rotations_total", "exporter", "file"))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void rotatesByAgeOnTheNextPushAndNamesTheBackupWithTheUtcRotationTime() throws Exception {
    FileExporterConfig c = config();
    c.rotation.maxAge = Duration.ofMinutes(10);
    c.rotation.compress = false;
    c.flushInterval = Duration.ofHours(1);
    FileExporter exporter = start(c);
    exporter.push(TestData.simpleBatch(2, "old"));
    clock.advance(Duration.ofMinutes(9));
    exporter.push(TestData.simpleBatch(1, "still young"));
    assertThat(fileNames()).containsExactly("logs.jsonl");

    clock.advance(Duration.ofMinutes(1));
    exporter.push(TestData.simpleBatch(4, "new"));
    exporter.flush();

    assertThat(fileNames()).containsExactly("logs-20240501T101000.250.jsonl", "logs.jsonl");
    assertThat(
            FileRecordsReader.readAllLogs(dir.resolve("logs-20240501T101000.250.jsonl"))
                .recordCount())
        .isEqualTo(3);
    assertThat(FileRecordsReader.readAllLogs(dir.resolve("logs.jsonl")).recordCount()).isEqualTo(4);
  }

  @Test
  void flushTimerRotatesAnIdleFileThatReachedMaxAge() throws Exception {
    FileExporterConfig c = config();
    c.rotation.maxAge = Duration.ofMinutes(1);
    c.rotation.compress = false;
    c.flushInterval = Duration.ofMillis(20);
    FileExporter exporter = start(c);
    exporter.push(TestData.simpleBatch(1, "idle"));

    clock.advance(Duration.ofMinutes(2));

    await().atMost(Duration.ofSeconds(5)).until(() -> fileNames().size() == 2);
    assertThat(fileNames()).containsExactly("logs-20240501T100200.250.jsonl", "logs.jsonl");
    assertThat(Files.size(dir.resolve("logs.jsonl"))).isZero();
  }

  @Test
  void emptyFileIsNeverRotated() throws Exception {
    FileExporterConfig c = config();
    c.rotation.maxAge = Duration.ofMinutes(1);
    c.flushInterval = Duration.ofMillis(10);
    start(c);

    clock.advance(Duration.ofMinutes(5));
    Thread.sleep(100);

    assertThat(fileNames()).containsExactly("logs.jsonl");
  }

  @Test
  void keepsOnlyTheNewestMaxBackupsRotatedFiles() throws Exception {
    FileExporterConfig c = config();
    c.rotation.maxAge = Duration.ofMinutes(1);
    c.rotation.maxBackups = 2;
    c.rotation.compress = false;
    c.flushInterval = Duration.ofHours(1);
    FileExporter exporter = start(c);
    for (int i = 0; i < 5; i++) {
      exporter.push(TestData.simpleBatch(1, "r" + i));
      clock.advance(Duration.ofMinutes(1));
    }
    exporter.push(TestData.simpleBatch(1, "current"));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(fileNames())
                    .containsExactly(
                        "logs-20240501T100400.250.jsonl",
                        "logs-20240501T100500.250.jsonl",
                        "logs.jsonl"));
  }

  @Test
  void gzipsRotatedFilesInTheBackgroundAndTheReaderReadsThem() throws Exception {
    FileExporterConfig c = config();
    c.rotation.maxAge = Duration.ofMinutes(1);
    c.flushInterval = Duration.ofHours(1);
    FileExporter exporter = start(c);
    exporter.push(TestData.simpleBatch(50, "zipped"));
    clock.advance(Duration.ofMinutes(1));
    exporter.push(TestData.simpleBatch(1, "current"));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(fileNames())
                    .containsExactly("logs-20240501T100100.250.jsonl.gz", "logs.jsonl"));
    Path gz = dir.resolve("logs-20240501T100100.250.jsonl.gz");
    assertThat(Files.readAllBytes(gz)).startsWith((byte) 0x1f, (byte) 0x8b);
    assertThat(FileRecordsReader.readAllLogs(gz).recordCount()).isEqualTo(50);
  }

  @Test
  void startFinishesCompressionAndPruningLeftOverByAnEarlierRun() throws Exception {
    Files.writeString(dir.resolve("logs-20240101T000000.000.jsonl"), "{\"severity_number\":1}\n");
    Files.writeString(dir.resolve("logs-20240102T000000.000.jsonl.gz.tmp"), "half written");
    Files.writeString(dir.resolve("logs-20231231T000000.000.jsonl.gz"), "old");
    Files.writeString(dir.resolve("unrelated.txt"), "keep me");
    FileExporterConfig c = config();
    c.rotation.maxBackups = 1;

    start(c);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(fileNames())
                    .containsExactly(
                        "logs-20240101T000000.000.jsonl.gz", "logs.jsonl", "unrelated.txt"));
  }
}
