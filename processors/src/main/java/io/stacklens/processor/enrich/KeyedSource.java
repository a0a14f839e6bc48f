package io.stacklens.processor.enrich;

import io.stacklens.agent.expr.FieldPath;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A source looked up by key off the pipeline worker (a table, an HTTP API), behind a TTL cache. The
 * worker asks {@link #cached} first, then {@link #request}s the rest; a key already being looked up
 * (perhaps for an earlier batch that gave up waiting) is not looked up again.
 */
abstract class KeyedSource implements AutoCloseable {
  final String name;
  final FieldPath key;
  final TtlCache cache;
  final SourceMetrics metrics;
  private final ConcurrentHashMap<String, CompletableFuture<Outcome>> inFlight =
      new ConcurrentHashMap<>();

  KeyedSource(String name, FieldPath key, TtlCache cache, SourceMetrics metrics) {
    this.name = name;
    this.key = key;
    this.cache = cache;
    this.metrics = metrics;
  }

  /**
   * Looks {@code key} up at the source; runs on a lookup thread. Never throws: failures are error
   * outcomes.
   */
  abstract Outcome fetch(String key);

  /** An immediate answer without calling the source (e.g. an open circuit), or null. */
  Outcome refuseNow() {
    return null;
  }

  /**
   * Opens connections or files; failures of a source that is down are reported by {@link #fetch}
   * later.
   */
  void start() throws Exception {}

  @Override
  public void close() {}

  /** The cached outcome of {@code key}, counting the hit or miss. */
  final Outcome cached(String k) {
    Outcome o = cache.get(k);
    if (o != null) metrics.cacheHits.inc();
    else metrics.cacheMisses.inc();
    return o;
  }

  /** The outcome of {@code key}, completed by a lookup thread; it fills the cache when done. */
  final CompletableFuture<Outcome> request(String k, Executor pool) {
    CompletableFuture<Outcome> running = inFlight.get(k);
    if (running != null) return running;
    Outcome refused = refuseNow();
    if (refused != null) {
      metrics.error(refused.reasonLabel);
      return CompletableFuture.completedFuture(refused);
    }
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    inFlight.put(k, f);
    try {
      pool.execute(() -> run(k, f));
    } catch (RejectedExecutionException e) {
      inFlight.remove(k, f);
      metrics.error("overloaded");
      return CompletableFuture.completedFuture(
          Outcome.error("overloaded", "overloaded: lookup queue full"));
    }
    return f;
  }

  private void run(String k, CompletableFuture<Outcome> f) {
    long start = System.nanoTime();
    Outcome o;
    try {
      metrics.lookups.inc();
      o = fetch(k);
    } catch (RuntimeException e) {
      o = Errors.outcome(e);
    }
    metrics.latency.recordNanos(System.nanoTime() - start);
    if (o.isError()) metrics.error(o.reasonLabel);
    else if (!o.isFound()) metrics.notFound("not_found");
    cache.put(k, o);
    inFlight.remove(k, f);
    f.complete(o);
  }
}
