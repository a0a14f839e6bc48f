package io.stacklens.processor.enrich;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.telemetry.Counter;
import io.stacklens.agent.telemetry.LatencyHistogram;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/** The metrics of one enrichment source, labelled processor, pipeline, source. Looked up once. */
final class SourceMetrics {
  static final String LOOKUPS = "stacklens_enrich_lookups_total";
  static final String CACHE_HITS = "stacklens_enrich_cache_hits_total";
  static final String CACHE_MISSES = "stacklens_enrich_cache_misses_total";
  static final String NOT_FOUND = "stacklens_enrich_not_found_total";
  static final String ERRORS = "stacklens_enrich_errors_total";
  static final String CIRCUIT_STATE = "stacklens_enrich_circuit_state";
  static final String LATENCY = "stacklens_enrich_lookup_duration_seconds";

  final Counter lookups;
  final Counter cacheHits;
  final Counter cacheMisses;
  final LatencyHistogram latency;
  private final MetricsRegistry registry;
  private final String[] labels;
  private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> notFound = new ConcurrentHashMap<>();

  SourceMetrics(ComponentContext context, String source) {
    this.registry = context.metrics();
    this.labels =
        new String[] {
          "processor",
          context.id().toString(),
          "pipeline",
          context.pipeline() == null ? "" : context.pipeline(),
          "source",
          source
        };
    lookups =
        registry.counter(
            LOOKUPS, "Lookups an enrich source made (cache answers not included)", labels);
    cacheHits =
        registry.counter(CACHE_HITS, "Keys an enrich source answered from its cache", labels);
    cacheMisses =
        registry.counter(CACHE_MISSES, "Keys an enrich source did not have in its cache", labels);
    latency = registry.histogram(LATENCY, "Time one enrich lookup took, retries included", labels);
  }

  /** A key with no data (not an error), by reason: not_found, private_address, invalid_address. */
  void notFound(String reason) {
    notFound
        .computeIfAbsent(
            reason,
            r ->
                registry.counter(
                    NOT_FOUND, "Keys an enrich source had no data for (not errors)", with(r)))
        .inc();
  }

  /**
   * A failed lookup, by reason: timeout, circuit_open, connection_refused, http_status,
   * bad_response, ...
   */
  void error(String reason) {
    errors
        .computeIfAbsent(
            reason, r -> registry.counter(ERRORS, "Enrich lookups that failed, by reason", with(r)))
        .inc();
  }

  void circuitGauge(DoubleSupplier state) {
    registry.gauge(
        CIRCUIT_STATE,
        "Circuit breaker of an enrich source: 0 closed, 1 half-open, 2 open",
        state,
        labels);
  }

  private String[] with(String reason) {
    String[] l = java.util.Arrays.copyOf(labels, labels.length + 2);
    l[labels.length] = "reason";
    l[labels.length + 1] = reason;
    return l;
  }
}
