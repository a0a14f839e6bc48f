package io.stacklens.agent.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The agent's self-telemetry: named metric families, each with labelled series. Registration is
 * idempotent: asking twice for the same (name, labels) returns the same counter or histogram, so
 * components can look series up at start and keep them in fields (the hot path never touches the map).
 *
 * <p>Names follow one scheme: {@code stacklens_<kind>_<what>_<unit>[_total]}, e.g.
 * {@code stacklens_receiver_accepted_records_total{receiver,signal,transport}}.
 */
public final class MetricsRegistry {
  public enum Type {
    COUNTER("counter"),
    GAUGE("gauge"),
    HISTOGRAM("histogram");

    final String prometheus;

    Type(String prometheus) {
      this.prometheus = prometheus;
    }
  }

  /** One metric name with its help text and series. */
  static final class Family {
    final String name;
    final String help;
    final Type type;
    final Map<Labels, Object> series = new ConcurrentHashMap<>();

    Family(String name, String help, Type type) {
      this.name = name;
      this.help = help;
      this.type = type;
    }
  }

  private final Map<String, Family> families = new ConcurrentHashMap<>();

  public Counter counter(String name, String help, String... labelPairs) {
    return (Counter) family(name, help, Type.COUNTER).series.computeIfAbsent(Labels.of(labelPairs), l -> new Counter());
  }

  /** Registers (or replaces) a gauge read from {@code supplier} at scrape time. */
  public void gauge(String name, String help, DoubleSupplier supplier, String... labelPairs) {
    family(name, help, Type.GAUGE).series.put(Labels.of(labelPairs), supplier);
  }

  public LatencyHistogram histogram(String name, String help, String... labelPairs) {
    return (LatencyHistogram)
        family(name, help, Type.HISTOGRAM).series.computeIfAbsent(Labels.of(labelPairs), l -> new LatencyHistogram());
  }

  private Family family(String name, String help, Type type) {
    Family f = families.computeIfAbsent(name, n -> new Family(n, help, type));
    if (f.type != type) {
      throw new IllegalArgumentException("metric " + name + " is already registered as a " + f.type.prometheus);
    }
    return f;
  }

  /** Current value of a counter series, or 0 when it does not exist. Sum over all series when no labels given. */
  public long counterValue(String name, String... labelPairs) {
    Family f = families.get(name);
    if (f == null || f.type != Type.COUNTER) return 0;
    if (labelPairs.length == 0) {
      long sum = 0;
      for (Object c : f.series.values()) sum += ((Counter) c).get();
      return sum;
    }
    Object c = f.series.get(Labels.of(labelPairs));
    return c == null ? 0 : ((Counter) c).get();
  }

  /** Sum of a counter over every series whose labels include all of {@code labelPairs}. */
  public long counterSum(String name, String... labelPairs) {
    Family f = families.get(name);
    if (f == null || f.type != Type.COUNTER) return 0;
    long sum = 0;
    for (Map.Entry<Labels, Object> e : f.series.entrySet()) {
      if (matches(e.getKey(), labelPairs)) sum += ((Counter) e.getValue()).get();
    }
    return sum;
  }

  /** Current value of a gauge series, or NaN when absent. */
  public double gaugeValue(String name, String... labelPairs) {
    Family f = families.get(name);
    if (f == null || f.type != Type.GAUGE) return Double.NaN;
    Object g = f.series.get(Labels.of(labelPairs));
    return g == null ? Double.NaN : ((DoubleSupplier) g).getAsDouble();
  }

  private static boolean matches(Labels labels, String[] pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (!pairs[i + 1].equals(labels.get(pairs[i]))) return false;
    }
    return true;
  }

  /** Prometheus text exposition format 0.0.4. */
  public String toPrometheusText() {
    StringBuilder sb = new StringBuilder(8192);
    for (Family f : sortedFamilies()) {
      sb.append("# HELP ").append(f.name).append(' ').append(f.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
      sb.append("# TYPE ").append(f.name).append(' ').append(f.type.prometheus).append('\n');
      for (Map.Entry<Labels, Object> e : sortedSeries(f)) {
        Labels labels = e.getKey();
        switch (f.type) {
          case COUNTER -> line(sb, f.name, labels, ((Counter) e.getValue()).get());
          case GAUGE -> line(sb, f.name, labels, ((DoubleSupplier) e.getValue()).getAsDouble());
          case HISTOGRAM -> {
            LatencyHistogram h = (LatencyHistogram) e.getValue();
            long[] cumulative = h.cumulativeBucketCounts();
            long count = h.count();
            for (int i = 0; i < LatencyHistogram.BUCKETS.length; i++) {
              line(sb, f.name + "_bucket", labels.with("le", formatDouble(LatencyHistogram.BUCKETS[i])), Math.min(cumulative[i], count));
            }
            line(sb, f.name + "_bucket", labels.with("le", "+Inf"), count);
            line(sb, f.name + "_sum", labels, h.sumSeconds());
            line(sb, f.name + "_count", labels, count);
          }
        }
      }
    }
    return sb.toString();
  }

  /**
   * A JSON-ready snapshot for {@code /stats}: {@code {name: [{labels: {...}, value: n}, ...]}};
   * histograms give count, sum and p50/p90/p99 in seconds.
   */
  public Map<String, List<Map<String, Object>>> snapshot() {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (Family f : sortedFamilies()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Map.Entry<Labels, Object> e : sortedSeries(f)) {
        Map<String, Object> row = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < e.getKey().size(); i++) labels.put(e.getKey().key(i), e.getKey().value(i));
        row.put("labels", labels);
        switch (f.type) {
          case COUNTER -> row.put("value", ((Counter) e.getValue()).get());
          case GAUGE -> row.put("value", ((DoubleSupplier) e.getValue()).getAsDouble());
          case HISTOGRAM -> {
            LatencyHistogram h = (LatencyHistogram) e.getValue();
            row.put("count", h.count());
            row.put("sum_seconds", h.sumSeconds());
            row.put("p50_seconds", h.percentileSeconds(50));
            row.put("p90_seconds", h.percentileSeconds(90));
            row.put("p99_seconds", h.percentileSeconds(99));
          }
        }
        rows.add(row);
      }
      out.put(f.name, rows);
    }
    return out;
  }

  private List<Family> sortedFamilies() {
    return new ArrayList<>(new TreeMap<>(families).values());
  }

  private static List<Map.Entry<Labels, Object>> sortedSeries(Family f) {
    List<Map.Entry<Labels, Object>> entries = new ArrayList<>(f.series.entrySet());
    entries.sort((a, b) -> a.getKey().toPrometheus().compareTo(b.getKey().toPrometheus()));
    return entries;
  }

  private static void line(StringBuilder sb, String name, Labels labels, double value) {
    sb.append(name);
    if (labels.size() > 0) {
      sb.append('{');
      labels.appendPrometheus(sb);
      sb.append('}');
    }
    sb.append(' ').append(formatDouble(value)).append('\n');
  }

  private static String formatDouble(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }
}
