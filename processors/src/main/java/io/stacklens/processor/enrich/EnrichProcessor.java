package io.stacklens.processor.enrich;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.processor.enrich.EnrichProcessorConfig.HttpSettings;
import io.stacklens.processor.enrich.EnrichProcessorConfig.LookupSettings;
import io.stacklens.processor.enrich.lookup.LookupTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The {@code enrich} processor. Per batch: the resource step on every resource; then, for the keyed
 * sources (tables, HTTP), the distinct keys of the batch are collected per source, answered from
 * the cache where possible and otherwise looked up once each, in parallel on a bounded pool,
 * waiting at most {@code batch_deadline}; then per record the GeoIP step and the answers are
 * applied, and {@code enrichment.sources} / {@code enrichment.errors} record what worked and what
 * did not. A record is never dropped.
 */
final class EnrichProcessor implements Processor {
  static final String SOURCES = "enrichment.sources";
  static final String ERRORS = "enrichment.errors";

  private final ComponentContext context;
  private final ResourceStep resource;
  private final GeoipStep geoip;
  private final KeyedSource[] sources;
  private final ThreadPoolExecutor pool;
  private final long deadlineNanos;
  private final Outcome deadlineExceeded;
  private final LogContext ctx = new LogContext();

  // Per-batch state, reused (only the worker thread touches it).
  private String[][] keys;
  private final List<Map<String, Outcome>> resolved = new ArrayList<>();
  private final List<Map<String, CompletableFuture<Outcome>>> pending = new ArrayList<>();
  private boolean shutDown;

  EnrichProcessor(
      ComponentContext context,
      ResourceStep resource,
      GeoipStep geoip,
      List<KeyedSource> sources,
      int threads,
      int queueSize,
      Duration batchDeadline) {
    this.context = context;
    this.resource = resource;
    this.geoip = geoip;
    this.sources = sources.toArray(new KeyedSource[0]);
    this.deadlineNanos = batchDeadline.toNanos();
    this.deadlineExceeded =
        Outcome.error("deadline", "timeout after " + Durations.format(batchDeadline));
    this.keys = new String[this.sources.length][64];
    for (int i = 0; i < this.sources.length; i++) {
      resolved.add(new HashMap<>());
      pending.add(new HashMap<>());
    }
    if (this.sources.length == 0) {
      pool = null;
    } else {
      String prefix =
          "stacklens-enrich-"
              + context.id()
              + (context.pipeline() == null ? "" : "-" + context.pipeline())
              + "-";
      pool =
          new ThreadPoolExecutor(
              threads,
              threads,
              30,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(queueSize),
              DaemonThreads.numbered(prefix));
      pool.allowCoreThreadTimeOut(true);
    }
  }

  /**
   * Builds the processor from a validated config; opens the GeoIP databases and creates the tables.
   */
  static EnrichProcessor create(
      ComponentContext context,
      EnrichProcessorConfig config,
      Function<String, String> env,
      Function<LookupSettings, LookupTable> tables,
      LongSupplier clock) {
    ResourceStep resource = config.resource == null ? null : new ResourceStep(config.resource, env);
    GeoipStep geoip = null;
    List<KeyedSource> sources = new ArrayList<>();
    try {
      if (config.geoip != null)
        geoip = new GeoipStep(config.geoip, new SourceMetrics(context, config.geoip.name));
      for (int i = 0; i < config.lookup.size(); i++) {
        LookupSettings l = config.lookup.get(i);
        LookupTable table;
        try {
          table = tables.apply(l);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "lookup[" + i + "] (" + l.name + "): " + e.getMessage(), e);
        }
        sources.add(
            new TableSource(
                l.name,
                Conditions.fieldValidated(l.key),
                table,
                l.columns,
                l.effectivePrefix(),
                cache(l, clock),
                new SourceMetrics(context, l.name)));
      }
      for (HttpSettings h : config.http) {
        CircuitBreaker breaker =
            h.circuitBreaker.enabled
                ? new CircuitBreaker(
                    h.circuitBreaker.failureRatio,
                    h.circuitBreaker.minimumCalls,
                    h.circuitBreaker.windowSize,
                    h.circuitBreaker.openDuration.toNanos(),
                    clock)
                : null;
        sources.add(
            new HttpSource(
                h,
                Conditions.fieldValidated(h.key),
                cache(h, clock),
                new SourceMetrics(context, h.name),
                breaker));
      }
      for (KeyedSource s : sources) {
        try {
          s.start();
        } catch (Exception e) {
          String what = s instanceof TableSource t ? " (" + t.describe() + ")" : "";
          throw new IllegalStateException(
              "source '" + s.name + "'" + what + " cannot start: " + e.getMessage(), e);
        }
      }
    } catch (RuntimeException e) {
      if (geoip != null) geoip.close();
      for (KeyedSource s : sources) s.close();
      throw e;
    }
    return new EnrichProcessor(
        context,
        resource,
        geoip,
        sources,
        config.lookupThreads,
        config.lookupQueueSize,
        config.batchDeadline);
  }

  private static TtlCache cache(EnrichProcessorConfig.KeyedSettings s, LongSupplier clock) {
    return new TtlCache(
        s.cache.ttl.toNanos(), s.cache.negativeTtl.toNanos(), s.cache.maxEntries, clock);
  }

  @Override
  public Batch process(Batch batch) {
    if (!(batch instanceof LogsBatch logs)) return batch;
    int n = logs.recordCount();
    if (n == 0) return batch;
    if (sources.length > 0) resolveKeys(logs, n);
    int index = 0;
    for (ResourceLogs r : logs.resourceLogs()) {
      boolean resourceChanged = resource != null && resource.apply(r);
      for (ScopeLogs s : r.scopeLogs()) {
        for (LogRecord rec : s.logRecords()) {
          enrichRecord(r, s, rec, index++, resourceChanged);
        }
      }
    }
    for (int i = 0; i < sources.length; i++) {
      Arrays.fill(keys[i], 0, n, null);
      resolved.get(i).clear();
      pending.get(i).clear();
    }
    return batch;
  }

  private void enrichRecord(
      ResourceLogs r, ScopeLogs s, LogRecord rec, int index, boolean resourceChanged) {
    List<Object> ok = null;
    List<Object> errors = null;
    if (resourceChanged) ok = add(ok, ResourceStep.NAME);
    if (geoip != null) {
      Outcome o = geoip.apply(ctx.set(r, s, rec));
      if (o != null) {
        if (o.isFound()) ok = add(ok, geoip.name);
        else if (o.isError()) errors = add(errors, geoip.name + ": " + o.reason);
      }
    }
    for (int i = 0; i < sources.length; i++) {
      String k = keys[i][index];
      if (k == null) continue;
      Outcome o = resolved.get(i).get(k);
      if (o == null) continue;
      switch (o.kind) {
        case FOUND -> {
          o.applyTo(rec.attributes());
          ok = add(ok, sources[i].name);
        }
        case ERROR -> errors = add(errors, sources[i].name + ": " + o.reason);
        case NOT_FOUND -> {}
      }
    }
    if (ok != null) append(rec.attributes(), SOURCES, ok);
    if (errors != null) append(rec.attributes(), ERRORS, errors);
  }

  /** Collects the distinct keys per source, answers from the cache, looks up the rest and waits. */
  private void resolveKeys(LogsBatch logs, int n) {
    long start = System.nanoTime();
    if (keys[0].length < n) {
      int size = Math.max(n, keys[0].length * 2);
      for (int i = 0; i < sources.length; i++) keys[i] = new String[size];
    }
    int index = 0;
    boolean anyPending = false;
    for (ResourceLogs r : logs.resourceLogs()) {
      for (ScopeLogs s : r.scopeLogs()) {
        for (LogRecord rec : s.logRecords()) {
          ctx.set(r, s, rec);
          for (int i = 0; i < sources.length; i++) {
            KeyedSource src = sources[i];
            String k = keyOf(src.key.get(ctx));
            keys[i][index] = k;
            if (k == null) continue;
            Map<String, Outcome> done = resolved.get(i);
            Map<String, CompletableFuture<Outcome>> waiting = pending.get(i);
            if (done.containsKey(k) || waiting.containsKey(k)) continue;
            Outcome cached = src.cached(k);
            if (cached != null) {
              done.put(k, cached);
            } else {
              CompletableFuture<Outcome> f = src.request(k, pool);
              if (f.isDone()) done.put(k, f.join());
              else {
                waiting.put(k, f);
                anyPending = true;
              }
            }
          }
          index++;
        }
      }
    }
    if (!anyPending) return;
    long deadline = start + deadlineNanos;
    for (int i = 0; i < sources.length; i++) {
      Map<String, Outcome> done = resolved.get(i);
      for (Map.Entry<String, CompletableFuture<Outcome>> e : pending.get(i).entrySet()) {
        CompletableFuture<Outcome> f = e.getValue();
        Outcome o = f.getNow(null);
        if (o == null) {
          long remaining = deadline - System.nanoTime();
          try {
            o = remaining > 0 ? f.get(remaining, TimeUnit.NANOSECONDS) : null;
          } catch (TimeoutException ex) {
            o = null;
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            o = null;
          } catch (ExecutionException ex) {
            o = Errors.outcome(ex);
          }
        }
        if (o == null) {
          o = deadlineExceeded;
          sources[i].metrics.error(o.reasonLabel);
        }
        done.put(e.getKey(), o);
      }
    }
  }

  private static String keyOf(Object v) {
    if (v instanceof String s) return s.isEmpty() ? null : s;
    if (v instanceof Long || v instanceof Double || v instanceof Boolean) return v.toString();
    return null;
  }

  private static List<Object> add(List<Object> list, String item) {
    List<Object> l = list == null ? new ArrayList<>(4) : list;
    l.add(item);
    return l;
  }

  /**
   * Adds {@code items} to the list attribute {@code key} (created when absent; a scalar becomes its
   * first item).
   */
  @SuppressWarnings("unchecked")
  private static void append(Attributes attributes, String key, List<Object> items) {
    Object existing = attributes.get(key);
    if (existing instanceof List<?> list) {
      ((List<Object>) list).addAll(items);
    } else {
      if (existing != null) items.add(0, existing);
      attributes.put(key, items);
    }
  }

  @Override
  public void shutdown(Instant deadline) {
    if (shutDown) return;
    shutDown = true;
    if (pool != null) {
      pool.shutdownNow(); // queued lookups would only fill a cache nobody reads any more
      try {
        long wait = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        if (!pool.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
          context
              .logger()
              .log(
                  System.Logger.Level.WARNING,
                  "enrich lookups still running at the shutdown deadline");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (KeyedSource s : sources) {
      try {
        s.close();
      } catch (RuntimeException e) {
        context
            .logger()
            .log(System.Logger.Level.WARNING, "closing enrich source " + s.name + ": " + e);
      }
    }
    if (geoip != null) geoip.close();
  }

  /** For tests. */
  KeyedSource source(String name) {
    for (KeyedSource s : sources) if (s.name.equals(name)) return s;
    return null;
  }

  ResourceStep resourceStep() {
    return resource;
  }
}
