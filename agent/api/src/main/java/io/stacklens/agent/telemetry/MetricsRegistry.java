package io.stacklens.agent.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * The agent's self-telemetry: named metric families, each with labelled series. Registration is
 * idempotent: asking twice for the same (name, labels) returns the same counter or histogram, so
 * components can look series up at start and keep them in fields (the hot path never touches the
 * map).
 *
 * <p>Names follow one scheme: {@code stacklens_<kind>_<what>_<unit>[_total]}, e.g. {@code
 * stacklens_receiver_accepted_records_total{receiver,signal,transport}}. The registry enforces the
 * Prometheus rules that {@code promtool check metrics} checks, when a family is first registered,
 * so a scrape can never break them: a valid name without {@code :}, a help text, {@code _total} on
 * every counter and on nothing else, no {@code _bucket}/{@code _count}/{@code _sum} suffix outside
 * histograms, base units ({@code _seconds}, {@code _bytes}), valid label names ({@code le} only
 * where the histogram adds it). A name has one type and one help text: registering it again with
 * another one throws {@link IllegalArgumentException} naming both, so two components sharing a
 * family must describe it in the same words.
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

    /**
     * Counter series are {@link Counter}s or, for {@link #counterFunction}, {@link
     * DoubleSupplier}s.
     */
    final Map<Labels, Object> series = new ConcurrentHashMap<>();

    Family(String name, String help, Type type) {
      this.name = name;
      this.help = help;
      this.type = type;
    }
  }

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** Units promtool wants in their base form, and the base unit to use instead. */
  private static final Map<String, String> NON_BASE_UNITS =
      Map.ofEntries(
          Map.entry("milliseconds", "seconds"),
          Map.entry("microseconds", "seconds"),
          Map.entry("nanoseconds", "seconds"),
          Map.entry("minutes", "seconds"),
          Map.entry("hours", "seconds"),
          Map.entry("days", "seconds"),
          Map.entry("kilobytes", "bytes"),
          Map.entry("megabytes", "bytes"),
          Map.entry("gigabytes", "bytes"),
          Map.entry("kibibytes", "bytes"),
          Map.entry("mebibytes", "bytes"),
          Map.entry("gibibytes", "bytes"),
          Map.entry("bits", "bytes"),
          Map.entry("percent", "ratio"));

  private final Map<String, Family> families = new ConcurrentHashMap<>();

  public Counter counter(String name, String help, String... labelPairs) {
    Family f = family(name, help, Type.COUNTER);
    Labels labels = Labels.of(labelPairs);
    Object series =
        f.series.computeIfAbsent(
            labels,
            l -> {
              checkLabels(name, Type.COUNTER, l);
              return new Counter();
            });
    if (!(series instanceof Counter c)) {
      throw new IllegalArgumentException(
          "metric "
              + name
              + labels.toPrometheus()
              + " is already registered as a counter function");
    }
    return c;
  }

  /**
   * Registers (or replaces) a counter read from {@code supplier} at scrape time, for counts kept
   * elsewhere (the JVM's garbage collections). The supplier must never go down.
   */
  public void counterFunction(
      String name, String help, DoubleSupplier supplier, String... labelPairs) {
    Family f = family(name, help, Type.COUNTER);
    Labels labels = Labels.of(labelPairs);
    checkLabels(name, Type.COUNTER, labels);
    Object previous = f.series.put(labels, supplier);
    if (previous instanceof Counter) {
      f.series.put(labels, previous);
      throw new IllegalArgumentException(
          "metric " + name + labels.toPrometheus() + " is already registered as a counter");
    }
  }

  /** Registers (or replaces) a gauge read from {@code supplier} at scrape time. */
  public void gauge(String name, String help, DoubleSupplier supplier, String... labelPairs) {
    Labels labels = Labels.of(labelPairs);
    checkLabels(name, Type.GAUGE, labels);
    family(name, help, Type.GAUGE).series.put(labels, supplier);
  }

  /**
   * Forgets the gauges labelled {@code label=value}: those of a component a reload removed, which
   * would otherwise go on reporting what it held when it stopped. Counters stay: they are totals of
   * what happened.
   */
  public void removeGauges(String label, String value) {
    for (Family f : families.values()) {
      if (f.type == Type.GAUGE) f.series.keySet().removeIf(l -> value.equals(l.get(label)));
    }
  }

  public LatencyHistogram histogram(String name, String help, String... labelPairs) {
    return (LatencyHistogram)
        family(name, help, Type.HISTOGRAM)
            .series
            .computeIfAbsent(
                Labels.of(labelPairs),
                l -> {
                  checkLabels(name, Type.HISTOGRAM, l);
                  return new LatencyHistogram();
                });
  }

  private Family family(String name, String help, Type type) {
    Family f = families.get(name);
    if (f == null) {
      checkFamily(name, help, type);
      f = families.computeIfAbsent(name, n -> new Family(n, help, type));
    }
    if (f.type != type) {
      throw new IllegalArgumentException(
          "metric "
              + name
              + " is already registered as a "
              + f.type.prometheus
              + ", not a "
              + type.prometheus);
    }
    if (!f.help.equals(help)) {
      throw new IllegalArgumentException(
          "metric "
              + name
              + " is already registered with the help text '"
              + f.help
              + "', not '"
              + help
              + "': one name, one description (use the same text everywhere it is registered)");
    }
    return f;
  }

  /** The naming rules of {@code promtool check metrics}, checked once per family. */
  static void checkFamily(String name, String help, Type type) {
    String problem = null;
    if (name == null || !NAME.matcher(name).matches()) {
      problem = "is not a valid metric name ([a-zA-Z_][a-zA-Z0-9_]*, no ':')";
    } else if (help == null || help.isBlank()) {
      problem = "needs a help text";
    } else if (type == Type.COUNTER && !name.endsWith("_total")) {
      problem = "is a counter: its name must end with _total";
    } else if (type != Type.COUNTER && name.endsWith("_total")) {
      problem = "is a " + type.prometheus + ": only counters end with _total";
    } else if (type != Type.HISTOGRAM
        && (name.endsWith("_bucket") || name.endsWith("_count") || name.endsWith("_sum"))) {
      problem =
          "is a "
              + type.prometheus
              + ": _bucket, _count and _sum are the suffixes of histogram series";
    } else if (("_" + name + "_").contains("_" + type.prometheus + "_")) {
      problem = "must not name its type (" + type.prometheus + ")";
    } else if (!name.equals(name.toLowerCase(Locale.ROOT))) {
      problem = "must be snake_case (lower case)";
    } else {
      for (Map.Entry<String, String> unit : NON_BASE_UNITS.entrySet()) {
        if (("_" + name + "_").contains("_" + unit.getKey() + "_")) {
          problem = "uses the unit " + unit.getKey() + ": use the base unit " + unit.getValue();
        }
      }
    }
    if (problem != null) throw new IllegalArgumentException("metric " + name + " " + problem);
  }

  /**
   * Label names are Prometheus identifiers, not reserved ({@code __*}), unique; {@code le} is the
   * histogram's own.
   */
  static void checkLabels(String name, Type type, Labels labels) {
    for (int i = 0; i < labels.size(); i++) {
      String key = labels.key(i);
      String problem = null;
      if (!NAME.matcher(key).matches()) problem = "is not a valid label name";
      else if (key.startsWith("__"))
        problem = "is reserved (labels starting with __ are Prometheus' own)";
      else if (type == Type.HISTOGRAM && key.equals("le"))
        problem = "is the histogram's bucket label";
      else {
        for (int j = 0; j < i; j++) {
          if (labels.key(j).equals(key)) problem = "is given twice";
        }
      }
      if (problem != null)
        throw new IllegalArgumentException("metric " + name + ": label '" + key + "' " + problem);
    }
  }

  /**
   * Current value of a counter series, or 0 when it does not exist. Sum over all series when no
   * labels given.
   */
  public long counterValue(String name, String... labelPairs) {
    Family f = families.get(name);
    if (f == null || f.type != Type.COUNTER) return 0;
    if (labelPairs.length == 0) {
      long sum = 0;
      for (Object c : f.series.values()) sum += count(c);
      return sum;
    }
    Object c = f.series.get(Labels.of(labelPairs));
    return c == null ? 0 : count(c);
  }

  /** Sum of a counter over every series whose labels include all of {@code labelPairs}. */
  public long counterSum(String name, String... labelPairs) {
    Family f = families.get(name);
    if (f == null || f.type != Type.COUNTER) return 0;
    long sum = 0;
    for (Map.Entry<Labels, Object> e : f.series.entrySet()) {
      if (matches(e.getKey(), labelPairs)) sum += count(e.getValue());
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

  private static long count(Object counterSeries) {
    return counterSeries instanceof Counter c
        ? c.get()
        : (long) ((DoubleSupplier) counterSeries).getAsDouble();
  }

  private static double counterValue(Object counterSeries) {
    return counterSeries instanceof Counter c
        ? c.get()
        : ((DoubleSupplier) counterSeries).getAsDouble();
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
      sb.append("# HELP ")
          .append(f.name)
          .append(' ')
          .append(f.help.replace("\\", "\\\\").replace("\n", "\\n"))
          .append('\n');
      sb.append("# TYPE ").append(f.name).append(' ').append(f.type.prometheus).append('\n');
      for (Map.Entry<Labels, Object> e : sortedSeries(f)) {
        Labels labels = e.getKey();
        switch (f.type) {
          case COUNTER -> line(sb, f.name, labels, counterValue(e.getValue()));
          case GAUGE -> line(sb, f.name, labels, ((DoubleSupplier) e.getValue()).getAsDouble());
          case HISTOGRAM -> {
            LatencyHistogram h = (LatencyHistogram) e.getValue();
            long[] cumulative = h.cumulativeBucketCounts();
            long count = h.count();
            for (int i = 0; i < LatencyHistogram.BUCKETS.length; i++) {
              line(
                  sb,
                  f.name + "_bucket",
                  labels.with("le", formatDouble(LatencyHistogram.BUCKETS[i])),
                  Math.min(cumulative[i], count));
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
        for (int i = 0; i < e.getKey().size(); i++)
          labels.put(e.getKey().key(i), e.getKey().value(i));
        row.put("labels", labels);
        switch (f.type) {
          case COUNTER ->
              row.put(
                  "value",
                  e.getValue() instanceof Counter c
                      ? (Object) c.get()
                      : counterValue(e.getValue()));
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
