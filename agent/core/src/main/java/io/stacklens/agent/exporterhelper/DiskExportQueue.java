package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.ExporterConfig.QueueSettings;
import io.stacklens.agent.api.ExporterConfig.QueueSettings.Fsync;
import io.stacklens.agent.api.ExporterConfig.QueueSettings.WhenFull;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryEstimate;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.LatencyHistogram;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.RateLimitedLog;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A persistent {@link ExportQueue}: an append-only log of segment files ({@link QueueSegment}) with
 * a committed position ({@link QueueCommitMark}).
 *
 * <ul>
 *   <li><b>Append</b> ({@link #offer}): the batch is encoded and checksummed by the producer, then
 *       written at the end of the log under the lock. A write is in the operating system once
 *       {@code offer} returns, so a crash of the agent alone loses nothing; when it reaches the
 *       disk depends on {@code fsync}: after every batch ({@code always}), at {@link #sync} (the
 *       pipeline worker calls it once per group of batches it hands over, {@code batch}), or every
 *       {@code fsync_interval} ({@code interval}).
 *   <li><b>Read</b> ({@link #poll}): entries are handed out in log order. While there is room
 *       ({@code queue_size} batches, at most {@link #CACHE_MAX_BYTES}) a written batch is also kept
 *       decoded in memory, so a sender that keeps up never reads the disk; the others are read back
 *       and decoded.
 *   <li><b>Confirm</b> ({@link #confirm}): once the exporter confirmed delivery (or the helper
 *       counted the records as failed), the entry is done. Several senders may finish out of order:
 *       the committed position moves only past a run of done entries, so none is skipped. A segment
 *       is deleted once every entry in it is done.
 *   <li><b>Recovery</b> (on open): every segment is read back; a torn or corrupt tail is cut off,
 *       counted and logged; entries from the committed position on are handed out again (at least
 *       once: what was delivered but not yet committed is delivered twice).
 * </ul>
 *
 * One agent at a time: a lock on {@code <directory>/lock} makes a second one fail to start with a
 * clear error.
 */
public final class DiskExportQueue implements ExportQueue {
  /** Decoded batches kept in memory beside the log, at most this many accounted bytes. */
  static final long CACHE_MAX_BYTES = 32L * 1024 * 1024;

  static final String LOCK_FILE = "lock";

  /** Told of the records dropped by {@code when_full: drop_oldest}. */
  public interface DropListener {
    /** {@code records} of {@code signal} were dropped. */
    void dropped(Signal signal, long records);
  }

  private record Cached(long seq, long millis, Batch batch, QueueSegment segment, long endOffset) {}

  /** An entry handed to a sender, until it is confirmed (done). */
  private static final class Handed {
    final long seq;
    final long millis;
    boolean done;

    /** Waits for this entry's delivery ({@code delivery: end_to_end}); null once settled. */
    Acknowledgement ack;

    /** The entry is lost, or will not be finished with before the queue closes. */
    void failAck() {
      if (ack != null) ack.fail();
      ack = null;
    }

    Handed(long seq, long millis) {
      this.seq = seq;
      this.millis = millis;
    }
  }

  /** An acknowledgement offered with entry {@code seq}, until the entry is handed out. */
  private record WaitingAck(long seq, Acknowledgement ack) {}

  /** A producer's last encoded batch, kept while {@link #offer} has to be called again. */
  private record Encoded(Batch batch, byte[] payload, int crc) {}

  private final Path dir;

  /** A delivered segment's file, written over by the next segment (see {@link QueueSegment}). */
  private final Path spare;

  private final String label;
  private final Logger log;
  private final RateLimitedLog rateLimitedLog;
  private final long maxBytes;
  private final long segmentBytes;
  private final Fsync fsync;
  private final WhenFull whenFull;
  private final int cacheMaxBatches;
  private final DropListener dropListener;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final QueueCommitMark mark;
  private final ScheduledExecutorService syncTimer;
  private final LatencyHistogram fsyncLatency;
  private final Counter fsyncFailures;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ReentrantLock syncLock = new ReentrantLock();

  // Guarded by lock.
  private final ArrayDeque<QueueSegment> segments = new ArrayDeque<>();
  private final ArrayDeque<Cached> cache = new ArrayDeque<>();
  private final ArrayDeque<Handed> outstanding = new ArrayDeque<>();
  // Acknowledgements offered with entries not handed out yet, in entry order. Only in memory: after
  // a restart no client waits any more.
  private final ArrayDeque<WaitingAck> waitingAcks = new ArrayDeque<>();
  // A batch object may be queued twice (one trace batch fanned out to two pipelines that share this
  // exporter): one handed entry per poll.
  private final Map<Batch, ArrayDeque<Handed>> inFlight = new IdentityHashMap<>();
  private final ThreadLocal<Encoded> lastEncoded = new ThreadLocal<>();
  private long cacheBytes;
  private long nextSeq;
  private QueueSegment cursorSegment;
  private long cursorOffset;
  private long cursorSeq;
  private long diskBytes;
  private long pendingEntries;
  private long unsyncedEntries;
  private boolean closed;
  private long truncatedBytes;
  private MemoryLimiter memory = MemoryLimiter.unlimited();

  /** What recovery found on open. */
  private final long replayedEntries;

  private final long replayedRecords;

  /**
   * Opens (or creates) the queue in {@code dir} and recovers what it holds.
   *
   * @throws IOException when the directory cannot be used (not writable, or locked by another
   *     running agent), with a message that says which and where
   */
  public DiskExportQueue(
      Path dir,
      QueueSettings settings,
      String label,
      Logger log,
      MetricsRegistry metrics,
      DropListener dropListener)
      throws IOException {
    this.dir = dir;
    this.spare = dir.resolve(QueueSegment.SPARE);
    this.label = label;
    this.log = log;
    this.rateLimitedLog = RateLimitedLog.of(log);
    this.maxBytes = settings.effectiveMaxSize().bytes();
    this.segmentBytes = settings.segmentSize.bytes();
    this.fsync = settings.fsync;
    this.whenFull = settings.whenFull;
    this.cacheMaxBatches = settings.queueSize;
    this.dropListener = dropListener;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException(
          "cannot create the queue directory " + dir + " (sending_queue.directory): " + e, e);
    }
    this.lockChannel = openLock(dir);
    this.fileLock = lock(dir, lockChannel);
    QueueCommitMark m = null;
    try {
      m = QueueCommitMark.open(dir);
      long[] replayed = recover(m);
      this.replayedEntries = replayed[0];
      this.replayedRecords = replayed[1];
    } catch (IOException | RuntimeException e) {
      if (m != null) m.close();
      for (QueueSegment s : segments) s.close();
      fileLock.release();
      lockChannel.close();
      throw e;
    }
    this.mark = m;
    this.fsyncLatency =
        metrics.histogram(
            "stacklens_exporter_queue_fsync_duration_seconds",
            "Time one fsync of the disk queue took",
            "exporter",
            label);
    this.fsyncFailures =
        metrics.counter(
            "stacklens_exporter_queue_fsync_failures_total",
            "Failed fsyncs of the disk queue",
            "exporter",
            label);
    registerMetrics(metrics);
    if (fsync == Fsync.INTERVAL) {
      long every = Math.max(1, settings.fsyncInterval.toMillis());
      syncTimer =
          Executors.newSingleThreadScheduledExecutor(
              DaemonThreads.named("exporter-" + label + "-fsync"));
      syncTimer.scheduleWithFixedDelay(this::syncNow, every, every, TimeUnit.MILLISECONDS);
    } else {
      syncTimer = null;
    }
  }

  /** Where this queue keeps its files. */
  public Path directory() {
    return dir;
  }

  /** Entries found on open that were not confirmed before the last stop. */
  public long replayedEntries() {
    return replayedEntries;
  }

  /** Records in {@link #replayedEntries}. */
  public long replayedRecords() {
    return replayedRecords;
  }

  /** Budget that batches read back from disk are counted against. */
  @Override
  public void useMemory(MemoryLimiter limiter) {
    this.memory = limiter;
  }

  // ------------------------------------------------------------------------------ open

  private static FileChannel openLock(Path dir) throws IOException {
    try {
      return FileChannel.open(
          dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IOException("cannot write in the queue directory " + dir + ": " + e, e);
    }
  }

  private static FileLock lock(Path dir, FileChannel channel) throws IOException {
    FileLock l;
    try {
      l = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      channel.close();
      throw new IOException(
          "the queue directory "
              + dir
              + " is already used by another exporter of this agent; give each exporter its own"
              + " sending_queue.directory");
    }
    if (l == null) {
      channel.close();
      throw new IOException(
          "the queue directory "
              + dir
              + " is locked by another running agent ("
              + dir.resolve(LOCK_FILE)
              + "); stop it, or give this one another sending_queue.directory or service.data_dir");
    }
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
    } catch (IOException e) {
      channel.close(); // releases the lock too
      throw new IOException("cannot write in the queue directory " + dir + ": " + e, e);
    }
    return l;
  }

  /** Reads back every segment; returns {entries, records} to replay. */
  private long[] recover(QueueCommitMark m) throws IOException {
    long committed = m.committed();
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + QueueSegment.SUFFIX)) {
      for (Path p : ds) {
        long first = QueueSegment.parseFirstSeq(p.getFileName().toString());
        if (first >= 0) files.put(first, p);
      }
    }
    long entries = 0;
    long records = 0;
    long cutBytes = 0;
    long end = committed;
    for (Map.Entry<Long, Path> f : files.entrySet()) {
      QueueSegment s = QueueSegment.open(f.getValue(), f.getKey());
      QueueSegment.Recovery r;
      try {
        r = s.recover(committed);
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      if (r.cutBytes > 0) {
        cutBytes += r.cutBytes;
        log.log(
            Level.WARNING,
            "exporter "
                + label
                + ": disk queue "
                + s.path
                + ": cut "
                + r.cutBytes
                + " bytes after "
                + r.entries
                + " valid entries ("
                + r.cutReason
                + "; a crash while writing leaves such a tail)");
      }
      if (s.endSeq <= committed) {
        // Everything in it was delivered before the stop; only its deletion did not happen.
        retire(s);
        continue;
      }
      segments.addLast(s);
      diskBytes += s.bytes;
      entries += r.entriesFrom;
      records += r.recordsFrom;
      if (cursorSegment == null && r.offsetOfFirstAtOrAfter >= 0) {
        cursorSegment = s;
        cursorOffset = r.offsetOfFirstAtOrAfter;
        cursorSeq = r.seqOfFirstAtOrAfter;
      }
      end = Math.max(end, s.endSeq);
    }
    truncatedBytes = cutBytes;
    nextSeq = end;
    if (cursorSegment == null) cursorSeq = nextSeq;
    pendingEntries = entries;
    if (entries > 0) {
      log.log(
          Level.INFO,
          "exporter "
              + label
              + ": disk queue "
              + dir
              + " holds "
              + entries
              + " entries ("
              + records
              + " records) not confirmed before the last stop; sending them first");
    }
    return new long[] {entries, records};
  }

  private void registerMetrics(MetricsRegistry m) {
    m.gauge(
        "stacklens_exporter_queue_disk_bytes",
        "Bytes the disk queue's files take",
        () -> locked(() -> diskBytes),
        "exporter",
        label);
    m.gauge(
        "stacklens_exporter_queue_disk_entries",
        "Entries in the disk queue not yet confirmed delivered",
        () -> locked(() -> pendingEntries),
        "exporter",
        label);
    m.gauge(
        "stacklens_exporter_queue_oldest_age_seconds",
        "Age of the oldest entry in the disk queue not yet confirmed delivered (0 when empty)",
        () -> locked(this::oldestAgeMillis) / 1000.0,
        "exporter",
        label);
    m.counterFunction(
        "stacklens_exporter_queue_replayed_records_total",
        "Records found in the disk queue at start that were not confirmed before the last stop",
        () -> replayedRecords,
        "exporter",
        label);
    m.counterFunction(
        "stacklens_exporter_queue_truncated_bytes_total",
        "Bytes of torn or corrupt entries cut from the disk queue",
        () -> locked(() -> truncatedBytes),
        "exporter",
        label);
  }

  private long locked(LongSupplier s) {
    lock.lock();
    try {
      return s.getAsLong();
    } finally {
      lock.unlock();
    }
  }

  private long oldestAgeMillis() {
    long millis = -1;
    if (!outstanding.isEmpty()) {
      millis = outstanding.peekFirst().millis;
    } else if (cursorSeq < nextSeq) {
      Cached c = cache.peekFirst();
      if (c != null && c.seq == cursorSeq) {
        millis = c.millis;
      } else if (cursorSegment != null) {
        try {
          QueueSegment.Entry h = cursorSegment.readHeader(cursorOffset);
          millis = h == null ? -1 : h.appendMillis();
        } catch (IOException e) {
          millis = -1;
        }
      }
    }
    return millis < 0 ? 0 : Math.max(0, System.currentTimeMillis() - millis);
  }

  // ------------------------------------------------------------------------------ append

  @Override
  public boolean offer(Batch batch, Acknowledgement ack, long timeout, TimeUnit unit)
      throws InterruptedException {
    Encoded encoded = lastEncoded.get();
    if (encoded == null || encoded.batch() != batch) {
      byte[] bytes = QueueEntryCodec.encode(batch);
      encoded = new Encoded(batch, bytes, QueueSegment.crcOf(bytes));
      lastEncoded.set(encoded); // a full queue makes the producer call again with the same batch
    }
    byte[] payload = encoded.payload();
    int payloadCrc = encoded.crc();
    long entryBytes = QueueSegment.ENTRY_HEADER + (long) payload.length;
    long nanos = unit.toNanos(timeout);
    boolean forceNow;
    lock.lockInterruptibly();
    try {
      while (true) {
        if (closed) return false;
        if (fits(entryBytes)) {
          try {
            append(batch, ack, payload, payloadCrc, entryBytes);
            lastEncoded.remove();
            break;
          } catch (IOException e) {
            rateLimitedLog.log(
                Level.ERROR,
                "write_failed",
                () ->
                    "exporter "
                        + label
                        + ": cannot write to the disk queue "
                        + dir
                        + " ("
                        + e
                        + "); the pipeline waits, and its receivers refuse clients meanwhile");
          }
        } else if (whenFull == WhenFull.DROP_OLDEST && dropOldest()) {
          continue;
        }
        if (nanos <= 0) return false;
        nanos = notFull.awaitNanos(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(100)));
      }
      forceNow = fsync == Fsync.ALWAYS;
    } finally {
      lock.unlock();
    }
    if (forceNow) syncNow(); // a failure is reported by the next sync()
    return true;
  }

  private boolean fits(long entryBytes) {
    return pendingEntries == 0 || diskBytes + entryBytes <= maxBytes;
  }

  private void append(
      Batch batch, Acknowledgement ack, byte[] payload, int payloadCrc, long entryBytes)
      throws IOException {
    QueueSegment active = segments.peekLast();
    if (active == null
        || (active.endSeq > active.firstSeq && active.bytes + entryBytes > segmentBytes)) {
      active = roll();
    }
    long seq = nextSeq;
    long millis = System.currentTimeMillis();
    active.append(
        QueueSegment.header(
            payload.length,
            payloadCrc,
            seq,
            millis,
            QueueEntryCodec.signalCode(batch.signal()),
            batch.recordCount()),
        payload,
        seq);
    nextSeq = seq + 1;
    if (ack != null) waitingAcks.addLast(new WaitingAck(seq, ack));
    diskBytes += entryBytes;
    pendingEntries++;
    unsyncedEntries++;
    if (cursorSegment == null) {
      cursorSegment = active;
      cursorOffset = active.bytes - entryBytes;
      cursorSeq = seq;
    }
    if (cache.size() < cacheMaxBatches && cacheBytes + batch.accountedBytes() <= CACHE_MAX_BYTES) {
      cache.addLast(new Cached(seq, millis, batch, active, active.bytes));
      cacheBytes += batch.accountedBytes();
    } else {
      batch.releaseMemory(); // on disk now; read back when its turn comes
    }
    notEmpty.signal();
  }

  /**
   * Starts a new segment. The one before is forced first (whatever the fsync policy: later syncs
   * force only the newest segment), and the directory after, so the new file's name is durable.
   */
  private QueueSegment roll() throws IOException {
    QueueSegment previous = segments.peekLast();
    if (previous != null) forceTimed(previous);
    QueueSegment s = null;
    if (Files.exists(spare)) {
      try {
        s = QueueSegment.reuse(spare, dir, nextSeq);
      } catch (IOException e) {
        log.log(Level.WARNING, "exporter " + label + ": cannot reuse " + spare + ": " + e);
      }
    }
    if (s == null) s = QueueSegment.create(dir, nextSeq);
    forceDirectory();
    segments.addLast(s);
    diskBytes += s.bytes;
    return s;
  }

  /**
   * {@code when_full: drop_oldest}: drops the entries not yet handed out of the oldest segment, so
   * it can be deleted once its entries being sent are confirmed. False when there is nothing to
   * drop (the oldest segment's entries are all being sent: wait for them).
   */
  private boolean dropOldest() {
    normalizeCursor();
    QueueSegment oldest = cursorSegment;
    if (oldest == null || cursorSeq >= nextSeq) return false;
    if (oldest == segments.peekLast()) {
      try {
        roll();
      } catch (IOException e) {
        return false;
      }
    }
    long[] records = new long[Signal.values().length];
    long entries = 0;
    long offset = cursorOffset;
    try {
      while (offset < oldest.bytes) {
        QueueSegment.Entry h = oldest.readHeader(offset);
        if (h == null) break;
        records[h.signal()] += h.records();
        entries++;
        offset = h.nextOffset();
      }
    } catch (IOException e) {
      log.log(Level.WARNING, "exporter " + label + ": reading " + oldest.path + ": " + e);
    }
    releaseCached(oldest);
    pendingEntries -= entries;
    moveCursorPast(oldest);
    failAcksBefore(cursorSeq);
    long total = 0;
    for (Signal s : Signal.values()) {
      long n = records[s.ordinal()];
      if (n > 0) dropListener.dropped(s, n);
      total += n;
    }
    long droppedTotal = total;
    long droppedEntries = entries;
    rateLimitedLog.log(
        Level.WARNING,
        "queue_full",
        () ->
            "exporter "
                + label
                + ": disk queue full ("
                + maxBytes
                + " bytes, sending_queue.max_size); when_full: drop_oldest dropped "
                + droppedEntries
                + " entries ("
                + droppedTotal
                + " records) not yet sent");
    advanceCommitted();
    return true;
  }

  private void moveCursorPast(QueueSegment s) {
    boolean found = false;
    for (QueueSegment next : segments) {
      if (found) {
        cursorSegment = next;
        cursorOffset = QueueSegment.FILE_HEADER;
        cursorSeq = next.endSeq > next.firstSeq ? next.firstSeq : nextSeq;
        return;
      }
      found = next == s;
    }
    cursorSegment = null;
    cursorSeq = nextSeq;
  }

  // ------------------------------------------------------------------------------ read

  @Override
  public Batch poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    while (true) {
      QueueSegment.Entry entry;
      Handed handed;
      lock.lockInterruptibly();
      try {
        while (true) {
          if (closed) return null;
          normalizeCursor();
          if (cursorSeq < nextSeq && cursorSegment != null) break;
          if (nanos <= 0) return null;
          nanos = notEmpty.awaitNanos(nanos);
        }
        Cached c = cache.peekFirst();
        if (c != null && c.seq == cursorSeq) {
          cache.pollFirst();
          cacheBytes -= c.batch.accountedBytes();
          cursorOffset = c.endOffset;
          cursorSeq = c.seq + 1;
          hand(c.batch, c.seq, c.millis);
          return c.batch;
        }
        QueueSegment.Entry read;
        try {
          read = readAtCursor();
        } catch (IOException e) {
          // Not corruption: the file could not be read now. Nothing is skipped; try again later.
          rateLimitedLog.log(
              Level.ERROR,
              "read_failed",
              () -> "exporter " + label + ": cannot read the disk queue " + dir + ": " + e);
          notEmpty.awaitNanos(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(100)));
          return null;
        }
        if (read == null) continue;
        entry = read;
        // Handed out now, so the committed position cannot pass it while it is decoded.
        handed = handOut(entry.seq(), entry.appendMillis());
      } finally {
        lock.unlock();
      }
      Batch batch = decode(entry);
      lock.lock();
      try {
        if (batch == null) {
          markDone(handed);
          handed.failAck(); // its records are lost, and logged
          continue;
        }
        inFlight.computeIfAbsent(batch, b -> new ArrayDeque<>(1)).addLast(handed);
        return batch;
      } finally {
        lock.unlock();
      }
    }
  }

  private void hand(Batch batch, long seq, long millis) {
    Handed h = handOut(seq, millis);
    inFlight.computeIfAbsent(batch, b -> new ArrayDeque<>(1)).addLast(h);
  }

  /**
   * Entry {@code seq} is handed to a sender: outstanding, with the acknowledgement offered with it.
   */
  private Handed handOut(long seq, long millis) {
    Handed h = new Handed(seq, millis);
    h.ack = takeAck(seq);
    outstanding.addLast(h);
    return h;
  }

  /** The acknowledgement offered with entry {@code seq}, or null. */
  private Acknowledgement takeAck(long seq) {
    failAcksBefore(seq);
    WaitingAck w = waitingAcks.peekFirst();
    if (w == null || w.seq != seq) return null;
    waitingAcks.pollFirst();
    return w.ack;
  }

  /**
   * Fails the acknowledgements of entries before {@code seq} never handed out (dropped, skipped).
   */
  private void failAcksBefore(long seq) {
    while (!waitingAcks.isEmpty() && waitingAcks.peekFirst().seq < seq) {
      waitingAcks.pollFirst().ack.fail();
    }
  }

  /** Moves a cursor at the end of a full segment on to the next one. */
  private void normalizeCursor() {
    while (cursorSegment != null
        && cursorOffset >= cursorSegment.bytes
        && cursorSegment != segments.peekLast()) {
      moveCursorPast(cursorSegment);
    }
    if (cursorSegment == null && !segments.isEmpty() && nextSeq > segments.peekLast().firstSeq) {
      // Not expected: every append sets the cursor when it is unset.
      cursorSegment = segments.peekLast();
      cursorOffset = QueueSegment.FILE_HEADER;
      cursorSeq = cursorSegment.firstSeq;
    }
  }

  /**
   * Reads the entry at the cursor and moves past it; null when it failed its checksums (the file
   * changed under the agent after it was checked at start): the rest of that segment is skipped,
   * counted and logged.
   *
   * @throws IOException when the file cannot be read; nothing is skipped then
   */
  private QueueSegment.Entry readAtCursor() throws IOException {
    QueueSegment s = cursorSegment;
    QueueSegment.Entry e = s.read(cursorOffset);
    if (e == null || e.seq() != cursorSeq) {
      long lost = s.endSeq - cursorSeq;
      log.log(
          Level.ERROR,
          "exporter "
              + label
              + ": disk queue "
              + s.path
              + " changed after it was checked at start (an entry at offset "
              + cursorOffset
              + " fails its checksum); skipping its last "
              + lost
              + " entries");
      truncatedBytes += s.bytes - cursorOffset;
      pendingEntries -= lost;
      releaseCached(s);
      moveCursorPast(s);
      failAcksBefore(cursorSeq);
      advanceCommitted();
      return null;
    }
    cursorOffset = e.nextOffset();
    cursorSeq = e.seq() + 1;
    return e;
  }

  /** Gives back the memory of the decoded batches kept for segment {@code s}. */
  private void releaseCached(QueueSegment s) {
    while (!cache.isEmpty() && cache.peekFirst().segment == s) {
      Cached c = cache.pollFirst();
      cacheBytes -= c.batch.accountedBytes();
      c.batch.releaseMemory();
    }
  }

  private Batch decode(QueueSegment.Entry e) {
    try {
      Batch b = QueueEntryCodec.decode(QueueEntryCodec.signalOf(e.signal()), e.payload());
      long estimate =
          b instanceof LogsBatch l ? MemoryEstimate.of(l) : 2L * e.payload().length + 1024;
      memory.forceAcquire(estimate);
      b.attachMemory(memory, estimate);
      return b;
    } catch (IOException | RuntimeException ex) {
      log.log(
          Level.ERROR,
          "exporter "
              + label
              + ": disk queue entry "
              + e.seq()
              + " passed its checksum but cannot be decoded ("
              + ex
              + "); its "
              + e.records()
              + " records are skipped");
      return null;
    }
  }

  // ------------------------------------------------------------------------------ confirm

  @Override
  public void finished(Batch batch, Sent how) {
    Acknowledgement ack;
    lock.lock();
    try {
      // Closed: a push that outlived the shutdown is sent again after the next start, and its
      // acknowledgement was failed by close().
      if (closed) return;
      ArrayDeque<Handed> handed = inFlight.get(batch);
      if (handed == null) return;
      Handed h = handed.pollFirst();
      if (handed.isEmpty()) inFlight.remove(batch);
      if (how != Sent.KEPT) markDone(h);
      ack = h.ack;
      h.ack = null;
    } finally {
      lock.unlock();
    }
    if (ack != null) how.settle(ack);
  }

  private void markDone(Handed h) {
    h.done = true;
    pendingEntries--;
    advanceCommitted();
  }

  /** Moves the committed position past every done entry at the front; deletes spent segments. */
  private void advanceCommitted() {
    while (!outstanding.isEmpty() && outstanding.peekFirst().done) outstanding.pollFirst();
    long committed = outstanding.isEmpty() ? cursorSeq : outstanding.peekFirst().seq;
    if (committed <= mark.committed()) {
      deleteSpentSegments();
      return;
    }
    try {
      mark.write(committed);
    } catch (IOException e) {
      rateLimitedLog.log(
          Level.ERROR,
          "commit_failed",
          () ->
              "exporter "
                  + label
                  + ": cannot record the delivered position in "
                  + dir
                  + " ("
                  + e
                  + "); delivered entries will be sent again after a restart");
      return;
    }
    deleteSpentSegments();
  }

  /**
   * Deletes every segment whose entries are all done: handed out (or dropped) and none of them
   * still being sent. Not only from the front: with {@code when_full: drop_oldest}, a sender
   * retrying the oldest entry during an outage must not keep the segments dropped after it on disk.
   * The active segment goes only when the queue is empty.
   */
  private void deleteSpentSegments() {
    boolean freed = false;
    Iterator<QueueSegment> it = segments.iterator();
    while (it.hasNext()) {
      QueueSegment s = it.next();
      // The newest segment stays even when all is delivered: it rolls over at segment_size and
      // goes then, instead of a file created and deleted for every batch of a light load.
      if (!it.hasNext()) break;
      // The cursor may still sit at the end of a spent segment: on to the next one, not past it.
      if (cursorSegment == s && cursorOffset >= s.bytes) moveCursorPast(s);
      if (cursorSegment == s || cursorSeq < s.endSeq || outstandingIn(s)) continue;
      it.remove();
      retire(s);
      diskBytes -= s.bytes;
      freed = true;
    }
    if (freed) notFull.signalAll();
  }

  /**
   * Removes a segment whose entries were all delivered: kept as the spare that the next segment is
   * written over (see {@link QueueSegment}), or deleted when there is one already.
   */
  private void retire(QueueSegment s) {
    try {
      if (Files.exists(spare)) s.delete();
      else s.recycleAs(spare);
    } catch (IOException e) {
      log.log(Level.WARNING, "exporter " + label + ": cannot remove " + s.path + ": " + e);
    }
  }

  /** Whether an entry of {@code s} is still being sent. */
  private boolean outstandingIn(QueueSegment s) {
    for (Handed h : outstanding) {
      if (h.seq >= s.endSeq) return false; // in seq order
      if (h.seq >= s.firstSeq && !h.done) return true;
    }
    return false;
  }

  // ------------------------------------------------------------------------------ fsync

  /**
   * Forces what was written to disk unless {@code fsync: interval}: the pipeline's sync thread
   * calls it after a group of batches was handed over, before their acknowledgements are given
   * ({@code fsync: always} forced each batch already; this then reports a force that failed).
   *
   * @return false when a force failed: what it covered is not known to be on disk
   */
  @Override
  public boolean sync() {
    return fsync == Fsync.INTERVAL || syncNow();
  }

  private boolean syncNow() {
    // syncLock first: a caller that finds nothing unsynced returns only after the force that took
    // its entries (another thread's, maybe still running) has finished.
    syncLock.lock();
    try {
      QueueSegment active;
      long taken;
      lock.lock();
      try {
        if (closed || unsyncedEntries == 0) return true;
        taken = unsyncedEntries;
        unsyncedEntries = 0;
        active = segments.peekLast();
      } finally {
        lock.unlock();
      }
      if (active == null || forceTimed(active)) return true;
      lock.lock();
      try {
        unsyncedEntries += taken; // forced again by the next sync
      } finally {
        lock.unlock();
      }
      return false;
    } finally {
      syncLock.unlock();
    }
  }

  /** Forces {@code s}; false, counted and logged, when that failed. */
  private boolean forceTimed(QueueSegment s) {
    long start = System.nanoTime();
    try {
      if (s.force()) fsyncLatency.recordNanos(System.nanoTime() - start);
      return true;
    } catch (IOException e) {
      fsyncFailures.inc();
      rateLimitedLog.log(
          Level.ERROR,
          "fsync_failed",
          () -> "exporter " + label + ": fsync of " + s.path + " failed: " + e);
      return false;
    }
  }

  /** Forces the directory, so a new segment file's name survives a power loss. */
  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for this; the file's data is forced anyway.
    }
  }

  // ------------------------------------------------------------------------------ queue facts

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return (int) Math.min(Integer.MAX_VALUE, Math.max(0, nextSeq - cursorSeq));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int capacity() {
    return cacheMaxBatches;
  }

  @Override
  public long bytes() {
    lock.lock();
    try {
      return cacheBytes;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long capacityBytes() {
    return CACHE_MAX_BYTES;
  }

  /** Bytes on disk. */
  public long diskBytes() {
    return locked(() -> diskBytes);
  }

  /** Entries not yet confirmed delivered. */
  public long pendingEntries() {
    return locked(() -> pendingEntries);
  }

  /**
   * Closes the files: what was not confirmed stays for the next start. Batches kept in memory give
   * their budget back.
   */
  @Override
  public void close() {
    List<QueueSegment> open;
    lock.lock();
    try {
      if (closed) return;
      closed = true;
      failAcksBefore(Long.MAX_VALUE);
      for (Handed h : outstanding) h.failAck();
      for (Cached c : cache) c.batch.releaseMemory();
      cache.clear();
      open = new ArrayList<>(segments);
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    if (syncTimer != null) syncTimer.shutdownNow();
    syncLock.lock();
    try {
      for (QueueSegment s : open) {
        if (s == open.get(open.size() - 1)) forceTimed(s);
        s.close();
      }
      mark.force();
    } catch (IOException e) {
      log.log(Level.WARNING, "exporter " + label + ": closing the disk queue " + dir + ": " + e);
    } finally {
      mark.close();
      syncLock.unlock();
    }
    try {
      fileLock.release();
      lockChannel.close();
    } catch (IOException e) {
      log.log(
          Level.WARNING, "exporter " + label + ": releasing " + dir.resolve(LOCK_FILE) + ": " + e);
    }
  }
}
