package io.stacklens.agent.exporterhelper;

import io.stacklens.agent.api.ExporterConfig.BatchSettings;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.Signal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The batching stage of one sender thread: gathers queued batches per signal until {@code
 * batch.min_size} records, {@link #GATHER_MAX_BYTES} of accounted memory, or {@code
 * batch.flush_timeout} after the first one arrived, and hands each gathering on as one {@link
 * Gathered} push. Not thread-safe: each sender has its own. With batching disabled every batch
 * passes straight through.
 */
final class Batcher {
  /**
   * Batches are gathered into one push up to this many accounted bytes, whatever the record counts:
   * an exporter encodes a push in memory (a Kafka message, a COPY buffer), so this bounds what one
   * push takes beside the batches themselves.
   */
  static final long GATHER_MAX_BYTES = 8L * 1024 * 1024;

  /** Where a gathered push goes next. */
  interface Next {
    void send(Gathered gathered) throws InterruptedException;
  }

  /**
   * One push: {@code merged} holds the records of {@code parts}, the queued batches it was made of,
   * whose memory is given back once the push is finished with.
   */
  record Gathered(Batch merged, List<Batch> parts) {
    void releaseParts() {
      for (int i = 0; i < parts.size(); i++) parts.get(i).releaseMemory();
    }
  }

  private final BatchSettings settings;
  private final long flushNanos;
  private final Map<Signal, Gathering> gatherings = new EnumMap<>(Signal.class);

  Batcher(BatchSettings settings) {
    this.settings = settings;
    this.flushNanos = settings.flushTimeout.toNanos();
  }

  /**
   * Adds a queued batch; what became due (the gathering it did not fit, or the one it filled) goes
   * to {@code next}.
   */
  void add(Batch b, long nowNanos, Next next) throws InterruptedException {
    if (!settings.enabled) {
      next.send(new Gathered(b, List.of(b)));
      return;
    }
    Gathering g = gatherings.computeIfAbsent(b.signal(), s -> new Gathering());
    boolean overRecords = settings.maxSize > 0 && g.records + b.recordCount() > settings.maxSize;
    if (g.records > 0 && (overRecords || g.bytes + b.accountedBytes() > GATHER_MAX_BYTES))
      next.send(g.take());
    g.add(b, nowNanos);
    if (g.records >= settings.minSize || g.bytes >= GATHER_MAX_BYTES) next.send(g.take());
  }

  /** Sends every gathering older than {@code flush_timeout}, or every one when {@code all}. */
  void flush(long nowNanos, boolean all, Next next) throws InterruptedException {
    for (Gathering g : gatherings.values()) {
      if (g.records > 0 && (all || nowNanos - g.firstNanos >= flushNanos)) next.send(g.take());
    }
  }

  /**
   * How long the sender may wait for the next batch before a gathering is due (at most {@code
   * max}).
   */
  long nanosUntilDue(long nowNanos, long maxNanos) {
    long wait = maxNanos;
    for (Gathering g : gatherings.values()) {
      if (g.records > 0) wait = Math.min(wait, Math.max(0, g.firstNanos + flushNanos - nowNanos));
    }
    return wait;
  }

  /**
   * Takes everything gathered and not sent (a stop): the caller counts it and gives its memory
   * back.
   */
  List<Gathered> takeAll() {
    List<Gathered> out = new ArrayList<>();
    for (Gathering g : gatherings.values()) if (g.records > 0) out.add(g.take());
    return out;
  }

  /** Batches of one signal gathered until min_size or flush_timeout. */
  private static final class Gathering {
    final List<Batch> batches = new ArrayList<>();
    int records;
    long bytes;
    long firstNanos;

    void add(Batch b, long nowNanos) {
      if (batches.isEmpty()) firstNanos = nowNanos;
      batches.add(b);
      records += b.recordCount();
      bytes += b.accountedBytes();
    }

    Gathered take() {
      List<Batch> parts = List.copyOf(batches);
      Batch merged = BatchMerger.merge(new ArrayList<>(parts));
      batches.clear();
      records = 0;
      bytes = 0;
      return new Gathered(merged, parts);
    }
  }
}
