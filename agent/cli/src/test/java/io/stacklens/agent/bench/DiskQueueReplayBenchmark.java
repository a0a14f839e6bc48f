package io.stacklens.agent.bench;

import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ExporterConfig.QueueSettings;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.exporterhelper.DiskExportQueue;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Replay after a crash: a disk queue holding {@value #BATCHES} batches of {@value #RECORDS} log
 * records (the load generator's shape: ~200-byte bodies, a few attributes) that were never
 * confirmed is opened (every entry's checksums are checked), and every entry is read back and
 * decoded, as the senders of a restarted agent take them. The entries are not confirmed, so each
 * invocation replays the same queue. The score is records per second read back (ops = records).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DiskQueueReplayBenchmark {
  static final int BATCHES = 500;
  static final int RECORDS = 100;

  private Path dir;
  private final QueueSettings settings = new QueueSettings();

  @Setup(Level.Trial)
  public void fill() throws Exception {
    dir = Files.createTempDirectory("queue-replay");
    settings.storage = QueueSettings.Storage.DISK;
    settings.maxSize = ByteSize.ofMebibytes(1024);
    settings.queueSize = 1; // entries are read back from disk, not from the decoded cache
    DiskExportQueue q = open();
    for (int i = 0; i < BATCHES; i++) q.offer(batch(i), 10, TimeUnit.SECONDS);
    q.close();
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCHES * RECORDS)
  public void openAndReadEverything(Blackhole bh) throws Exception {
    DiskExportQueue q = open();
    try {
      Batch b;
      while ((b = q.poll(0, TimeUnit.NANOSECONDS)) != null) {
        bh.consume(b.recordCount());
        b.releaseMemory();
      }
    } finally {
      q.close();
    }
  }

  private DiskExportQueue open() throws IOException {
    return new DiskExportQueue(
        dir,
        settings,
        "bench",
        System.getLogger("bench"),
        new MetricsRegistry(),
        (signal, records) -> {});
  }

  private static LogsBatch batch(int n) {
    List<LogRecord> records = new ArrayList<>(RECORDS);
    String body = "x".repeat(180);
    for (int i = 0; i < RECORDS; i++) {
      Attributes a = new Attributes();
      a.put("http.method", "GET");
      a.put("http.status_code", 200L);
      a.put("request.id", "req-" + n + "-" + i);
      records.add(
          new LogRecord(a)
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setSeverityNumber(9)
              .setSeverityText("INFO")
              .setBody(body + " " + n + "-" + i));
    }
    Attributes res = new Attributes();
    res.put("service.name", "checkout");
    return new LogsBatch(
        List.of(
            new ResourceLogs(
                new Resource(res), List.of(new ScopeLogs(new InstrumentationScope(), records)))));
  }
}
