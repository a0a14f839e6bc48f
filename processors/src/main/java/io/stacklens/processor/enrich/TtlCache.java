package io.stacklens.processor.enrich;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A size-bounded, least-recently-used cache whose entries expire: found rows after {@code ttl},
 * "not found" answers after {@code negativeTtl} (0 = not cached). Errors are never cached. Read by
 * the pipeline worker, written by lookup threads: every method holds the lock for a map operation.
 */
final class TtlCache {
  private record Entry(Outcome outcome, long expiresAtNanos) {}

  private final long ttlNanos;
  private final long negativeTtlNanos;
  private final LongSupplier clock;
  private final Map<String, Entry> map;

  TtlCache(long ttlNanos, long negativeTtlNanos, int maxEntries, LongSupplier clock) {
    this.ttlNanos = ttlNanos;
    this.negativeTtlNanos = negativeTtlNanos;
    this.clock = clock;
    this.map =
        new LinkedHashMap<>(Math.min(maxEntries, 1024) * 2, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /** The cached outcome of {@code key}, or null when absent or expired. */
  synchronized Outcome get(String key) {
    Entry e = map.get(key);
    if (e == null) return null;
    if (clock.getAsLong() - e.expiresAtNanos >= 0) {
      map.remove(key);
      return null;
    }
    return e.outcome;
  }

  /** Caches a found or not-found outcome; errors are ignored. */
  synchronized void put(String key, Outcome outcome) {
    long ttl =
        switch (outcome.kind) {
          case FOUND -> ttlNanos;
          case NOT_FOUND -> negativeTtlNanos;
          case ERROR -> 0;
        };
    if (ttl <= 0) return;
    map.put(key, new Entry(outcome, clock.getAsLong() + ttl));
  }

  synchronized int size() {
    return map.size();
  }
}
