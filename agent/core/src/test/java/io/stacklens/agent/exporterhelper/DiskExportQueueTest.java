package io.stacklens.agent.exporterhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.stacklens.agent.api.ByteSize;
import io.stacklens.agent.api.ExporterConfig.QueueSettings;
import io.stacklens.agent.api.ExporterConfig.QueueSettings.Fsync;
import io.stacklens.agent.api.ExporterConfig.QueueSettings.Storage;
import io.stacklens.agent.api.ExporterConfig.QueueSettings.WhenFull;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MetricsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.data.TracesBatch;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.TestBatches;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskExportQueueTest {
  private static final String LABEL = "otlp/disk";
  private static final System.Logger LOG = System.getLogger(DiskExportQueueTest.class.getName());
  private static final int SEGMENT = 64 * 1024;

  /** Long enough that a poll of an entry that is there never times out, even on a busy machine. */
  private static final long WAIT_SECONDS = 30;

  @TempDir Path dir;

  /** The registry of the queue opened last (each open gets a fresh one). */
  private MetricsRegistry metrics = new MetricsRegistry();

  private final List<DiskExportQueue> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (DiskExportQueue q : opened) q.close();
  }

  private static QueueSettings settings() {
    QueueSettings s = new QueueSettings();
    s.storage = Storage.DISK;
    s.segmentSize = new ByteSize(SEGMENT);
    s.maxSize = ByteSize.ofMebibytes(64);
    return s;
  }

  private DiskExportQueue open(QueueSettings s) throws IOException {
    return open(s, (signal, records) -> {});
  }

  private DiskExportQueue open(QueueSettings s, DiskExportQueue.DropListener drops)
      throws IOException {
    metrics = new MetricsRegistry();
    DiskExportQueue q = new DiskExportQueue(dir, s, LABEL, LOG, metrics, drops);
    opened.add(q);
    return q;
  }

  /** A batch of about 21 KB on disk, whose record bodies start with {@code name + "."}. */
  private static LogsBatch big(String name) {
    return TestBatches.logs(name + "." + "x".repeat(1000), 20);
  }

  /** Bytes one entry of {@code b} takes in a segment file. */
  private static long entryBytes(Batch b) {
    return QueueSegment.ENTRY_HEADER + (long) QueueEntryCodec.encode(b).length;
  }

  /** The name a batch was built with: its first body up to the first '.' (else the last '-'). */
  private static String nameOf(Batch b) {
    String body = String.valueOf(bodies(b).get(0));
    int dot = body.indexOf('.');
    return dot >= 0 ? body.substring(0, dot) : body.substring(0, body.lastIndexOf('-'));
  }

  private static List<Object> bodies(Batch b) {
    List<Object> out = new ArrayList<>();
    ((LogsBatch) b).forEachRecord(r -> out.add(r.body()));
    return out;
  }

  private static Batch poll(DiskExportQueue q) throws InterruptedException {
    Batch b = q.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(b).as("a batch was expected in the queue").isNotNull();
    return b;
  }

  /** Polls {@code n} batches and returns their names. */
  private static List<String> pollNames(DiskExportQueue q, int n) throws InterruptedException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) names.add(nameOf(poll(q)));
    return names;
  }

  private static List<String> names(String prefix, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) out.add(prefix + i);
    return out;
  }

  /** Where a segment's entries end: before the end mark every append leaves after its entry. */
  private static long dataEnd(Path segment) throws IOException {
    return Files.size(segment) - QueueSegment.ENTRY_HEADER;
  }

  private List<Path> segmentFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + QueueSegment.SUFFIX)) {
      for (Path p : ds) out.add(p);
    }
    out.sort(null);
    return out;
  }

  private Path lastSegment() throws IOException {
    List<Path> files = segmentFiles();
    assertThat(files).isNotEmpty();
    return files.get(files.size() - 1);
  }

  private long truncatedBytes() {
    return metrics.counterValue(
        "stacklens_exporter_queue_truncated_bytes_total", "exporter", LABEL);
  }

  private double gauge(String name) {
    return metrics.gaugeValue(name, "exporter", LABEL);
  }

  @SuppressWarnings("unchecked")
  private long fsyncCount() {
    long count = 0;
    for (Map<String, Object> row :
        metrics
            .snapshot()
            .getOrDefault("stacklens_exporter_queue_fsync_duration_seconds", List.of())) {
      if (LABEL.equals(((Map<String, String>) row.get("labels")).get("exporter")))
        count += (Long) row.get("count");
    }
    return count;
  }

  private static boolean offer(DiskExportQueue q, Batch b) throws InterruptedException {
    return q.offer(b, WAIT_SECONDS, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------------------ 1. round trip

  @Test
  void logBatchesComeBackInOfferOrderWithTheSameRecordsFromMemoryAndFromDisk() throws Exception {
    QueueSettings s = settings();
    s.queueSize = 2; // the first two stay decoded in memory, the others are read back from disk
    DiskExportQueue q = open(s);
    for (int i = 0; i < 6; i++) assertThat(offer(q, TestBatches.logs("b" + i, i + 1))).isTrue();
    assertThat(q.size()).isEqualTo(6);

    for (int i = 0; i < 6; i++) {
      Batch b = poll(q);
      assertThat(b).isInstanceOf(LogsBatch.class);
      assertThat(b.recordCount()).isEqualTo(i + 1);
      assertThat(OtlpLogs.toProto((LogsBatch) b))
          .isEqualTo(OtlpLogs.toProto(TestBatches.logs("b" + i, i + 1)));
    }
    assertThat(q.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void tracesAndMetricsBatchesRoundTripThroughTheCodec() throws Exception {
    QueueSettings s = settings();
    s.queueSize = 1; // only the first (logs) batch stays in memory: traces and metrics are decoded
    DiskExportQueue q = open(s);
    TracesBatch traces = traces();
    MetricsBatch metricsBatch = metricsBatch();
    assertThat(offer(q, TestBatches.logs("first", 1))).isTrue();
    assertThat(offer(q, traces)).isTrue();
    assertThat(offer(q, metricsBatch)).isTrue();

    assertThat(nameOf(poll(q))).isEqualTo("first");
    Batch t = poll(q);
    assertThat(t).isInstanceOf(TracesBatch.class).isNotSameAs(traces);
    assertThat(t.signal()).isEqualTo(Signal.TRACES);
    assertThat(t.recordCount()).isEqualTo(2);
    assertThat(((TracesBatch) t).toRequest()).isEqualTo(traces.toRequest());
    Batch m = poll(q);
    assertThat(m).isInstanceOf(MetricsBatch.class).isNotSameAs(metricsBatch);
    assertThat(m.signal()).isEqualTo(Signal.METRICS);
    assertThat(m.recordCount()).isEqualTo(3);
    assertThat(((MetricsBatch) m).toRequest()).isEqualTo(metricsBatch.toRequest());
  }

  private static TracesBatch traces() {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < 2; i++) {
      scope.addSpans(
          Span.newBuilder()
              .setName("span-" + i)
              .setStartTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setEndTimeUnixNano(1_700_000_000_500_000_000L + i));
    }
    return new TracesBatch(List.of(ResourceSpans.newBuilder().addScopeSpans(scope).build()));
  }

  private static MetricsBatch metricsBatch() {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < 3; i++) {
      gauge.addDataPoints(
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setAsDouble(i * 1.5));
    }
    Metric metric = Metric.newBuilder().setName("queue_test_value").setGauge(gauge).build();
    return new MetricsBatch(
        List.of(
            ResourceMetrics.newBuilder()
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric))
                .build()));
  }

  // ------------------------------------------------------------------------------ 2. reopen

  @Test
  void afterReopenConfirmedEntriesAreGoneAndUnconfirmedOnesComeBackInOrder() throws Exception {
    DiskExportQueue q = open(settings());
    for (int i = 0; i < 5; i++) assertThat(offer(q, TestBatches.logs("r" + i, 2))).isTrue();
    Batch b0 = poll(q);
    Batch b1 = poll(q);
    assertThat(nameOf(b0)).isEqualTo("r0");
    assertThat(nameOf(b1)).isEqualTo("r1");
    q.finished(b0, Sent.DONE); // r1 polled but not confirmed; r2..r4 never polled
    q.close();

    DiskExportQueue reopened = open(settings());
    assertThat(reopened.replayedEntries()).isEqualTo(4);
    assertThat(reopened.replayedRecords()).isEqualTo(8);
    assertThat(
            metrics.counterValue(
                "stacklens_exporter_queue_replayed_records_total", "exporter", LABEL))
        .isEqualTo(8);
    assertThat(reopened.size()).isEqualTo(4);
    assertThat(pollNames(reopened, 4)).containsExactly("r1", "r2", "r3", "r4");
    assertThat(reopened.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aQueueClosedWithEverythingConfirmedReplaysNothing() throws Exception {
    DiskExportQueue q = open(settings());
    for (int i = 0; i < 3; i++) assertThat(offer(q, TestBatches.logs("c" + i, 1))).isTrue();
    for (int i = 0; i < 3; i++) q.finished(poll(q), Sent.DONE);
    q.close();

    DiskExportQueue reopened = open(settings());
    assertThat(reopened.replayedEntries()).isZero();
    assertThat(reopened.replayedRecords()).isZero();
    assertThat(reopened.poll(0, TimeUnit.MILLISECONDS)).isNull();
    // New entries after the reopen continue the log.
    assertThat(offer(reopened, TestBatches.logs("after", 1))).isTrue();
    assertThat(nameOf(poll(reopened))).isEqualTo("after");
  }

  // ------------------------------------------------------------------------------ 3. out of order

  @Test
  void outOfOrderConfirmationsNeverSkipAnUnconfirmedEntry() throws Exception {
    DiskExportQueue q = open(settings());
    for (int i = 1; i <= 3; i++) assertThat(offer(q, TestBatches.logs("o" + i, 1))).isTrue();
    assertThat(nameOf(poll(q))).isEqualTo("o1"); // #1 is still being sent
    Batch second = poll(q);
    Batch third = poll(q);
    q.finished(third, Sent.DONE);
    q.finished(second, Sent.DONE);
    assertThat(q.pendingEntries()).isEqualTo(1);
    q.close();

    // At least once: #2 and #3 were delivered, but the committed position cannot pass #1.
    DiskExportQueue again = open(settings());
    assertThat(again.replayedEntries()).isEqualTo(3);
    Batch first = poll(again);
    second = poll(again);
    third = poll(again);
    assertThat(List.of(nameOf(first), nameOf(second), nameOf(third)))
        .containsExactly("o1", "o2", "o3");
    again.finished(third, Sent.DONE);
    again.finished(second, Sent.DONE);
    again.finished(first, Sent.DONE);
    assertThat(again.pendingEntries()).isZero();
    again.close();

    DiskExportQueue last = open(settings());
    assertThat(last.replayedEntries()).isZero();
    assertThat(last.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  // ------------------------------------------------------------------------------ 4. segments

  @Test
  void theLogRollsAtSegmentSizeAndFullyConfirmedSegmentsAreDeleted() throws Exception {
    DiskExportQueue q = open(settings());
    long entry = entryBytes(big("s0"));
    int perSegment = (int) ((SEGMENT - QueueSegment.FILE_HEADER) / entry);
    assertThat(perSegment).as("batches must be big enough to roll").isBetween(2, 5);
    int n = 3 * perSegment + 1; // three full segments and one more
    for (int i = 0; i < n; i++) assertThat(offer(q, big("s" + i))).isTrue();

    List<Path> files = segmentFiles();
    assertThat(files).hasSize(4);
    for (Path f : files) assertThat(Files.size(f)).isLessThanOrEqualTo(SEGMENT);

    // One sender: poll, confirm, poll... Each full segment goes once all its entries are confirmed.
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Batch b = poll(q);
      seen.add(nameOf(b));
      q.finished(b, Sent.DONE);
      if ((i + 1) % perSegment == 0 && i + 1 < n) {
        assertThat(segmentFiles()).hasSize(4 - (i + 1) / perSegment);
      }
    }
    assertThat(seen).isEqualTo(names("s", 0, n));
    // The newest segment stays (it goes once it rolled over), not a file per batch.
    assertThat(segmentFiles()).hasSize(1);
    assertThat(q.diskBytes()).isEqualTo(dataEnd(segmentFiles().get(0)));
    assertThat(q.pendingEntries()).isZero();
    q.close();
    assertThat(open(settings()).replayedEntries()).isZero();
  }

  @Test
  void entriesReplayedFromSeveralSegmentsAreReadBackInOrderAndTheirSegmentsDeleted()
      throws Exception {
    DiskExportQueue q = open(settings());
    int perSegment = (int) ((SEGMENT - QueueSegment.FILE_HEADER) / entryBytes(big("p0")));
    int n = 3 * perSegment + 1;
    for (int i = 0; i < n; i++) assertThat(offer(q, big("p" + i))).isTrue();
    q.close();

    DiskExportQueue reopened = open(settings()); // nothing decoded in memory: all from disk
    assertThat(reopened.replayedEntries()).isEqualTo(n);
    assertThat(segmentFiles()).hasSize(4);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Batch b = poll(reopened);
      seen.add(nameOf(b));
      reopened.finished(b, Sent.DONE);
    }
    assertThat(seen).isEqualTo(names("p", 0, n));
    assertThat(segmentFiles()).hasSize(1); // the newest
  }

  @Test
  void concurrentProducersAndSendersDeliverEveryEntryOnce() throws Exception {
    QueueSettings s = settings();
    s.queueSize = 8; // part from memory, part read back from disk
    DiskExportQueue q = open(s);
    int perProducer = 150;
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      String prefix = "c" + p + "x";
      threads.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  try {
                    assertThat(offer(q, TestBatches.logs(prefix + i + "." + "y".repeat(200), 20)))
                        .isTrue();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                }
              }));
    }
    for (int c = 0; c < 2; c++) {
      threads.add(
          CompletableFuture.runAsync(
              () -> {
                while (received.get() < 2 * perProducer && System.nanoTime() < deadline) {
                  try {
                    Batch b = q.poll(100, TimeUnit.MILLISECONDS);
                    if (b == null) continue;
                    if (!seen.add(nameOf(b))) duplicates.incrementAndGet();
                    q.finished(b, Sent.DONE);
                    received.incrementAndGet();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                }
              }));
    }
    CompletableFuture.allOf(threads.toArray(new CompletableFuture<?>[0]))
        .get(150, TimeUnit.SECONDS);

    assertThat(duplicates.get()).isZero();
    assertThat(seen).hasSize(2 * perProducer);
    assertThat(q.pendingEntries()).isZero();
    assertThat(segmentFiles()).hasSize(1); // the newest
  }

  @Test
  void aSegmentStaysUntilEveryEntryInItIsConfirmed() throws Exception {
    DiskExportQueue q = open(settings());
    int perSegment = (int) ((SEGMENT - QueueSegment.FILE_HEADER) / entryBytes(big("k0")));
    int n = 2 * perSegment + 1;
    for (int i = 0; i < n; i++) assertThat(offer(q, big("k" + i))).isTrue();
    assertThat(segmentFiles()).hasSize(3);
    List<Batch> polled = new ArrayList<>();
    for (int i = 0; i < n; i++) polled.add(poll(q));
    assertThat(polled.stream().map(DiskExportQueueTest::nameOf)).isEqualTo(names("k", 0, n));

    // Everything but the first entry: the first segment waits for it; the middle one, all done,
    // goes although the committed position is held back (a retried entry must not pin the rest).
    for (int i = 1; i < n; i++) q.finished(polled.get(i), Sent.DONE);
    assertThat(segmentFiles())
        .hasSize(2)
        .first()
        .satisfies(f -> assertThat(f.getFileName().toString()).startsWith("00000000000000000000"));
    q.finished(polled.get(0), Sent.DONE);
    assertThat(segmentFiles()).hasSize(1); // the newest
  }

  @Test
  void oneBatchObjectQueuedTwiceIsConfirmedTwiceAndPinsNothing() throws Exception {
    DiskExportQueue q = open(settings());
    LogsBatch shared =
        TestBatches.logs("twice", 3); // e.g. one trace batch fanned out to two pipelines
    assertThat(offer(q, shared)).isTrue();
    assertThat(offer(q, shared)).isTrue();
    Batch first = poll(q);
    Batch second = poll(q);
    q.finished(first, Sent.DONE);
    q.finished(second, Sent.DONE);
    assertThat(q.pendingEntries()).isZero();
    q.close();
    assertThat(open(settings()).replayedEntries()).isZero();
  }

  /**
   * Offers a segment's worth of big entries and one more (so the log rolls), and delivers them all:
   * the first segment is spent. Returns how many big entries a segment holds.
   */
  private static int deliverAFullSegment(DiskExportQueue q) throws Exception {
    int perSegment = (int) ((SEGMENT - QueueSegment.FILE_HEADER) / entryBytes(big("o0")));
    for (int i = 0; i < perSegment + 1; i++) assertThat(offer(q, big("o" + i))).isTrue();
    for (int i = 0; i < perSegment + 1; i++) q.finished(poll(q), Sent.DONE);
    return perSegment;
  }

  @Test
  void aDeliveredSegmentsFileIsWrittenOverByTheNextAndItsOldEntriesAreNeverReadBack()
      throws Exception {
    DiskExportQueue q = open(settings());
    int perSegment = deliverAFullSegment(q);
    Path spare = dir.resolve(QueueSegment.SPARE);
    assertThat(spare).as("the delivered first segment is kept").exists();
    long spareSize = Files.size(spare);

    // The next roll writes over it: one small entry leaves the old ones behind it in the file.
    for (int i = 0; i < perSegment; i++) assertThat(offer(q, big("n" + i))).isTrue();
    assertThat(offer(q, TestBatches.logs("small", 1))).isTrue();
    assertThat(spare).doesNotExist();
    Path reused = lastSegment();
    assertThat(Files.size(reused)).isEqualTo(spareSize);
    q.close();

    DiskExportQueue reopened = open(settings());
    assertThat(truncatedBytes()).as("old entries are not a torn tail").isZero();
    assertThat(reopened.replayedEntries()).isEqualTo(perSegment + 1);
    List<String> names = pollNames(reopened, perSegment);
    assertThat(names).isEqualTo(names("n", 0, perSegment));
    assertThat(bodies(poll(reopened))).containsExactly("small-0");
    assertThat(reopened.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aSpareRenamedIntoPlaceBeforeItsHeaderWasWrittenReadsAsAnEmptySegment() throws Exception {
    DiskExportQueue q = open(settings());
    deliverAFullSegment(q);
    q.close();
    // A crash between the rename and the new header: the file still holds its old life's entries,
    // under the name of a segment whose first sequence number is after all of them.
    Path spare = dir.resolve(QueueSegment.SPARE);
    Files.move(spare, dir.resolve(QueueSegment.fileName(10_000)));

    DiskExportQueue reopened = open(settings());
    assertThat(truncatedBytes()).isZero();
    assertThat(reopened.replayedEntries()).isZero();
    assertThat(reopened.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  // ------------------------------------------------------------------------------ 5./6. recovery

  @Test
  void garbageAfterTheLastEntryIsCutOnReopenAndCounted() throws Exception {
    DiskExportQueue q = open(settings());
    for (int i = 0; i < 3; i++) assertThat(offer(q, TestBatches.logs("g" + i, 2))).isTrue();
    q.close();
    Path seg = lastSegment();
    long validSize = dataEnd(seg);
    byte[] garbage = new byte[100];
    Arrays.fill(garbage, (byte) 0x5A);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(garbage), validSize); // over the end mark, as a torn write leaves
    }

    DiskExportQueue reopened = open(settings());
    assertThat(reopened.replayedEntries()).isEqualTo(3);
    assertThat(truncatedBytes()).isEqualTo(100);
    assertThat(Files.size(seg)).isEqualTo(validSize);
    assertThat(pollNames(reopened, 3)).containsExactly("g0", "g1", "g2");
  }

  @Test
  void anEntryTornInTheMiddleIsCutOnReopenAndTheLogGoesOnAfterIt() throws Exception {
    DiskExportQueue q = open(settings());
    for (int i = 0; i < 3; i++) assertThat(offer(q, big("t" + i))).isTrue();
    q.close();
    Path seg = lastSegment();
    long size = dataEnd(seg);
    long lastEntry = entryBytes(big("t2"));
    long cutAt = size - lastEntry / 2; // in the middle of the last entry's payload
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(cutAt);
    }

    DiskExportQueue reopened = open(settings());
    assertThat(reopened.replayedEntries()).isEqualTo(2);
    assertThat(reopened.replayedRecords()).isEqualTo(40);
    assertThat(truncatedBytes()).isEqualTo(cutAt - (size - lastEntry)).isPositive();
    assertThat(Files.size(seg)).isEqualTo(size - lastEntry);
    // The log goes on after the cut: a new entry follows the two valid ones, also after a reopen.
    assertThat(offer(reopened, big("t3"))).isTrue();
    reopened.close();

    DiskExportQueue third = open(settings());
    assertThat(third.replayedEntries()).isEqualTo(3);
    assertThat(truncatedBytes()).isZero();
    assertThat(pollNames(third, 3)).containsExactly("t0", "t1", "t3");
  }

  @Test
  void aCorruptByteInTheLastEntrysPayloadDropsThatEntryOnly() throws Exception {
    DiskExportQueue q = open(settings());
    for (int i = 0; i < 3; i++) assertThat(offer(q, big("f" + i))).isTrue();
    q.close();
    Path seg = lastSegment();
    long size = Files.size(seg);
    long position = size - 100; // well inside the last entry's ~21 KB payload
    try (FileChannel ch =
        FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      ch.write(one, position);
    }

    DiskExportQueue reopened = open(settings());
    assertThat(reopened.replayedEntries()).isEqualTo(2);
    // The entry and the end mark after it.
    assertThat(truncatedBytes()).isEqualTo(entryBytes(big("f2")) + QueueSegment.ENTRY_HEADER);
    assertThat(pollNames(reopened, 2)).containsExactly("f0", "f1");
    assertThat(reopened.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  // ------------------------------------------------------------------------------ 7. lock

  @Test
  void aSecondQueueOnTheSameDirectoryFailsWhileTheFirstIsOpen() throws Exception {
    DiskExportQueue first = open(settings());
    assertThat(offer(first, TestBatches.logs("l", 1))).isTrue();

    assertThatThrownBy(
            () -> new DiskExportQueue(dir, settings(), "other", LOG, new MetricsRegistry(), null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.toString())
        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("locked", "already used"));

    // The first one is not disturbed, and once it is closed the directory can be used again.
    assertThat(nameOf(poll(first))).isEqualTo("l");
    first.close();
    DiskExportQueue second = open(settings());
    assertThat(second.replayedEntries()).isEqualTo(1);
  }

  // ------------------------------------------------------------------------------ 8. block

  @Test
  void whenFullBlockRefusesOffersUntilConfirmedEntriesFreeASegment() throws Exception {
    QueueSettings s = settings();
    s.maxSize = new ByteSize(2 * SEGMENT);
    s.whenFull = WhenFull.BLOCK;
    DiskExportQueue q = open(s);
    long entry = entryBytes(big("w0"));
    int perSegment = (int) ((SEGMENT - QueueSegment.FILE_HEADER) / entry);

    int accepted = 0;
    while (q.offer(big("w" + accepted), 10, TimeUnit.MILLISECONDS)) {
      accepted++;
      assertThat(accepted).as("a full queue must refuse offers").isLessThan(100);
    }
    assertThat(accepted).isGreaterThan(perSegment);
    assertThat(q.diskBytes()).isLessThanOrEqualTo(2 * SEGMENT);
    assertThat(q.diskBytes() + entry).isGreaterThan(2 * SEGMENT);
    assertThat(q.pendingEntries()).isEqualTo(accepted);
    assertThat(q.size()).isEqualTo(accepted);
    assertThat(q.offer(big("refused"), 0, TimeUnit.MILLISECONDS)).isFalse();

    // A producer waits (generously) for room; sending and confirming the first segment makes it.
    int waiting = accepted;
    CompletableFuture<Boolean> producer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return q.offer(big("w" + waiting), WAIT_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < perSegment; i++) {
      Batch b = poll(q);
      seen.add(nameOf(b));
      q.finished(b, Sent.DONE);
    }
    assertThat(producer.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    // Nothing offered before was lost: the rest comes back in order, then the late one.
    seen.addAll(pollNames(q, accepted + 1 - perSegment));
    assertThat(seen).isEqualTo(names("w", 0, accepted + 1));
    assertThat(q.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  // ------------------------------------------------------------------------------ 9. drop_oldest

  @Test
  void whenFullDropOldestNeverRefusesAndKeepsTheNewestData() throws Exception {
    QueueSettings s = settings();
    s.maxSize = new ByteSize(2 * SEGMENT);
    s.whenFull = WhenFull.DROP_OLDEST;
    Map<Signal, Long> dropped = new EnumMap<>(Signal.class);
    DiskExportQueue q = open(s, (signal, records) -> dropped.merge(signal, records, Long::sum));

    int n = 20;
    for (int i = 0; i < n; i++) {
      assertThat(q.offer(big("d" + i), 0, TimeUnit.MILLISECONDS)).as("offer %d", i).isTrue();
    }
    assertThat(q.diskBytes()).isLessThanOrEqualTo(2 * SEGMENT);
    int left = (int) q.pendingEntries();
    assertThat(left).isPositive().isLessThan(n);
    assertThat(dropped).containsOnlyKeys(Signal.LOGS);
    assertThat(dropped.get(Signal.LOGS)).isEqualTo(20L * (n - left));

    List<String> remaining = pollNames(q, left);
    assertThat(remaining).isEqualTo(names("d", n - left, n));
    assertThat(q.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void whenFullDropOldestKeepsTakingBatchesWhileASenderRetriesTheOldestEntry() throws Exception {
    QueueSettings s = settings();
    s.maxSize = new ByteSize(2 * SEGMENT);
    s.whenFull = WhenFull.DROP_OLDEST;
    Map<Signal, Long> dropped = new EnumMap<>(Signal.class);
    DiskExportQueue q = open(s, (signal, records) -> dropped.merge(signal, records, Long::sum));
    assertThat(q.offer(big("held"), 0, TimeUnit.MILLISECONDS)).isTrue();
    Batch held = poll(q); // a sender retrying it through an outage: never confirmed here

    int n = 20;
    for (int i = 0; i < n; i++) {
      assertThat(q.offer(big("d" + i), 0, TimeUnit.MILLISECONDS)).as("offer %d", i).isTrue();
    }
    assertThat(q.diskBytes()).isLessThanOrEqualTo(2 * SEGMENT);
    int left = (int) q.pendingEntries() - 1; // the held entry is still pending
    assertThat(dropped.get(Signal.LOGS)).isEqualTo(20L * (n - left));
    assertThat(pollNames(q, left)).isEqualTo(names("d", n - left, n));
    q.finished(held, Sent.DONE);
    assertThat(q.pendingEntries()).isEqualTo(left);
  }

  // ------------------------------------------------------------------------------ 10. fsync

  @Test
  void fsyncAlwaysForcesEveryOfferAndTimesIt() throws Exception {
    QueueSettings s = settings();
    s.fsync = Fsync.ALWAYS;
    DiskExportQueue q = open(s);
    for (int i = 0; i < 3; i++) assertThat(offer(q, TestBatches.logs("a" + i, 1))).isTrue();
    assertThat(fsyncCount()).isGreaterThanOrEqualTo(3);
    q.close();
    DiskExportQueue reopened = open(s);
    assertThat(pollNames(reopened, 3)).containsExactly("a0", "a1", "a2");
  }

  @Test
  void fsyncBatchForcesOnSyncOnly() throws Exception {
    QueueSettings s = settings();
    s.fsync = Fsync.BATCH;
    DiskExportQueue q = open(s);
    for (int i = 0; i < 3; i++) assertThat(offer(q, TestBatches.logs("b" + i, 1))).isTrue();
    assertThat(fsyncCount()).isZero();
    q.sync();
    assertThat(fsyncCount()).isEqualTo(1);
    q.sync(); // nothing new since
    assertThat(fsyncCount()).isEqualTo(1);
    q.close();
    DiskExportQueue reopened = open(s);
    assertThat(pollNames(reopened, 3)).containsExactly("b0", "b1", "b2");
  }

  @Test
  void fsyncIntervalForcesInTheBackground() throws Exception {
    QueueSettings s = settings();
    s.fsync = Fsync.INTERVAL;
    s.fsyncInterval = Duration.ofMillis(50);
    DiskExportQueue q = open(s);
    for (int i = 0; i < 3; i++) assertThat(offer(q, TestBatches.logs("i" + i, 1))).isTrue();
    q.sync(); // not the policy: no fsync from here
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (fsyncCount() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(fsyncCount()).isPositive();
    q.close();
    DiskExportQueue reopened = open(s);
    assertThat(pollNames(reopened, 3)).containsExactly("i0", "i1", "i2");
  }

  // ------------------------------------------------------------------------------ 11. gauges

  @Test
  void diskGaugesGoUpOnOfferAndDownOnConfirm() throws Exception {
    DiskExportQueue q = open(settings());
    assertThat(gauge("stacklens_exporter_queue_disk_bytes")).isZero();
    assertThat(gauge("stacklens_exporter_queue_disk_entries")).isZero();

    for (int i = 0; i < 3; i++) assertThat(offer(q, TestBatches.logs("m" + i, 4))).isTrue();
    double bytes = gauge("stacklens_exporter_queue_disk_bytes");
    long onDisk = 0;
    for (Path f : segmentFiles()) onDisk += dataEnd(f);
    assertThat(bytes).isPositive().isEqualTo((double) onDisk);
    assertThat(gauge("stacklens_exporter_queue_disk_entries")).isEqualTo(3.0);

    Batch b0 = poll(q);
    q.finished(b0, Sent.DONE);
    assertThat(gauge("stacklens_exporter_queue_disk_entries")).isEqualTo(2.0);
    q.finished(poll(q), Sent.DONE);
    q.finished(poll(q), Sent.DONE);
    assertThat(gauge("stacklens_exporter_queue_disk_entries")).isZero();
    assertThat(segmentFiles()).hasSize(1); // the newest stays until it rolls over
    assertThat(gauge("stacklens_exporter_queue_disk_bytes"))
        .isEqualTo((double) dataEnd(segmentFiles().get(0)));
  }

  // ------------------------------------------------------------- 12. acknowledgements (end_to_end)

  /** An acknowledgement whose only open party is the queue's (the receiver settled its own). */
  private static Acknowledgement queuedParty() {
    Acknowledgement ack = Acknowledgement.attachTo(TestBatches.logs("client", 1));
    ack.addParties(1);
    ack.done();
    return ack;
  }

  private static Acknowledgement.Outcome settled(Acknowledgement ack) {
    CompletableFuture<Acknowledgement.Outcome> answer = ack.answer();
    assertThat(answer).as("settled").isDone();
    return answer.join();
  }

  @Test
  void anEntrysAcknowledgementIsSettledByHowItsSenderFinishedWhetherCachedOrReadBack()
      throws Exception {
    QueueSettings s = settings();
    s.queueSize = 1; // the first entry stays decoded in memory, the second is read back from disk
    DiskExportQueue q = open(s);
    Acknowledgement cached = queuedParty();
    Acknowledgement readBack = queuedParty();
    assertThat(q.offer(big("c"), cached, 0, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(q.offer(big("r"), readBack, 0, TimeUnit.MILLISECONDS)).isTrue();

    Batch first = poll(q);
    Batch second = poll(q);
    assertThat(cached.answer()).isNotDone();
    q.finished(first, Sent.DONE);
    q.finished(second, Sent.KEPT);

    assertThat(settled(cached)).isEqualTo(Acknowledgement.Outcome.DONE);
    assertThat(settled(readBack)).isEqualTo(Acknowledgement.Outcome.FAILED);
    assertThat(q.pendingEntries()).isEqualTo(1); // the kept entry is sent again after a restart
  }

  @Test
  void entriesDroppedByDropOldestFailTheirAcknowledgements() throws Exception {
    QueueSettings s = settings();
    s.maxSize = new ByteSize(2 * SEGMENT);
    s.whenFull = WhenFull.DROP_OLDEST;
    DiskExportQueue q = open(s);
    List<Acknowledgement> acks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Acknowledgement ack = queuedParty();
      acks.add(ack);
      assertThat(q.offer(big("d" + i), ack, 0, TimeUnit.MILLISECONDS)).isTrue();
    }
    int left = (int) q.pendingEntries();

    for (int i = 0; i < 20 - left; i++) {
      assertThat(settled(acks.get(i)))
          .as("dropped %d", i)
          .isEqualTo(Acknowledgement.Outcome.FAILED);
    }
    for (int i = 20 - left; i < 20; i++) assertThat(acks.get(i).answer()).isNotDone();
  }

  @Test
  void closingFailsTheAcknowledgementsOfEntriesNotFinished() throws Exception {
    DiskExportQueue q = open(settings());
    Acknowledgement handedOut = queuedParty();
    Acknowledgement waiting = queuedParty();
    assertThat(q.offer(big("h"), handedOut, 0, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(q.offer(big("w"), waiting, 0, TimeUnit.MILLISECONDS)).isTrue();
    Batch h = poll(q);

    q.close();
    q.finished(h, Sent.DONE); // a push that outlived the shutdown settles nothing twice

    assertThat(settled(handedOut)).isEqualTo(Acknowledgement.Outcome.FAILED);
    assertThat(settled(waiting)).isEqualTo(Acknowledgement.Outcome.FAILED);
  }
}
