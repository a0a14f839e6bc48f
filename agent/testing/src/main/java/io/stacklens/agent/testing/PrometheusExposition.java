package io.stacklens.agent.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks Prometheus text exposition (format 0.0.4) the way a scraper and {@code promtool check
 * metrics} read it, in plain Java so the check runs everywhere (promtool is not installed on every
 * machine; see {@link Promtool}). {@link #problems(String)} returns one line per problem, empty
 * when the text is clean:
 *
 * <ul>
 *   <li>every line parses: {@code # HELP name text}, {@code # TYPE name type}, or a sample {@code
 *       name{label="value",...} value}, with valid names, label names and escapes;
 *   <li>one HELP and one TYPE per metric name, given before its samples, and each family's samples
 *       together in one block;
 *   <li>counters, and only counters, end with {@code _total}; counter values are not negative;
 *   <li>a histogram has only {@code _bucket} (with {@code le}), {@code _sum} and {@code _count}
 *       series, cumulative buckets ending with {@code +Inf} equal to {@code _count}; no other
 *       family uses those suffixes;
 *   <li>no series twice, no label name twice in a series, no {@code :} in metric names.
 * </ul>
 */
public final class PrometheusExposition {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusExposition() {}

  /** One parsed sample line. */
  private record Sample(String name, Map<String, String> labels, double value, int line) {}

  /** Every problem of {@code text}, each with its line number; empty when it is clean. */
  public static List<String> problems(String text) {
    List<String> problems = new ArrayList<>();
    if (!text.isEmpty() && !text.endsWith("\n"))
      problems.add("the text does not end with a newline");
    Map<String, String> help = new HashMap<>();
    Map<String, String> type = new HashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> closedFamilies = new HashSet<>();
    Set<String> seriesSeen = new HashSet<>();
    String currentFamily = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int n = i + 1;
      if (line.isEmpty()) continue;
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String name = parts[2];
          String rest = parts.length == 4 ? parts[3] : "";
          if (!validMetricName(name, problems, n)) continue;
          Map<String, String> seen = parts[1].equals("HELP") ? help : type;
          if (seen.containsKey(name)) {
            problems.add(n + ": second " + parts[1] + " line for " + name);
            continue;
          }
          if (samples.containsKey(name))
            problems.add(n + ": " + parts[1] + " for " + name + " after its samples");
          if (parts[1].equals("TYPE") && !TYPES.contains(rest))
            problems.add(n + ": unknown type '" + rest + "' for " + name);
          if (parts[1].equals("HELP") && rest.isBlank())
            problems.add(n + ": empty help text for " + name);
          seen.put(name, rest);
          if (!name.equals(currentFamily)) {
            if (currentFamily != null) closedFamilies.add(currentFamily);
            if (closedFamilies.contains(name))
              problems.add(n + ": metadata for " + name + " apart from its other lines");
            currentFamily = name;
          }
        }
        continue;
      }
      Sample s = parseSample(line, n, problems);
      if (s == null) continue;
      String family = familyOf(s.name(), type);
      if (!family.equals(currentFamily)) {
        if (currentFamily != null) closedFamilies.add(currentFamily);
        if (closedFamilies.contains(family))
          problems.add(n + ": samples of " + family + " apart from its other lines");
        currentFamily = family;
      }
      String series = s.name() + new java.util.TreeMap<>(s.labels());
      if (!seriesSeen.add(series)) problems.add(n + ": series " + series + " given twice");
      samples.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
      checkFamily(e.getKey(), type.get(e.getKey()), help.get(e.getKey()), e.getValue(), problems);
    }
    return problems;
  }

  /**
   * The family a sample belongs to: a histogram's {@code _bucket}/{@code _sum}/{@code _count} are
   * its own.
   */
  private static String familyOf(String sampleName, Map<String, String> types) {
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        if ("histogram".equals(types.get(base)) || "summary".equals(types.get(base))) return base;
      }
    }
    return sampleName;
  }

  private static void checkFamily(
      String family, String type, String help, List<Sample> samples, List<String> problems) {
    int first = samples.get(0).line();
    if (type == null) problems.add(first + ": " + family + " has no TYPE line");
    if (help == null) problems.add(first + ": " + family + " has no HELP line");
    boolean counter = "counter".equals(type);
    if (counter && !family.endsWith("_total"))
      problems.add(first + ": counter " + family + " does not end with _total");
    if (!counter && family.endsWith("_total")) {
      problems.add(
          first
              + ": "
              + family
              + " ends with _total but is a "
              + (type == null ? "metric without a type" : type));
    }
    if (!"histogram".equals(type) && !"summary".equals(type)) {
      for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
        if (family.endsWith(suffix))
          problems.add(first + ": " + family + " is a " + type + " but ends with " + suffix);
      }
    }
    if (counter) {
      for (Sample s : samples) {
        if (s.value() < 0 || Double.isNaN(s.value()))
          problems.add(s.line() + ": counter " + family + " has the value " + s.value());
      }
    }
    if ("histogram".equals(type)) checkHistogram(family, samples, problems);
  }

  private static void checkHistogram(String family, List<Sample> samples, List<String> problems) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new HashMap<>();
    Set<Map<String, String>> sums = new HashSet<>();
    for (Sample s : samples) {
      if (s.name().equals(family + "_bucket")) {
        if (!s.labels().containsKey("le")) {
          problems.add(s.line() + ": bucket of " + family + " without an le label");
          continue;
        }
        Map<String, String> series = new HashMap<>(s.labels());
        series.remove("le");
        buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
      } else if (s.name().equals(family + "_count")) {
        counts.put(s.labels(), s.value());
      } else if (s.name().equals(family + "_sum")) {
        sums.add(s.labels());
      } else {
        problems.add(
            s.line()
                + ": "
                + s.name()
                + " in histogram "
                + family
                + " (only _bucket, _sum and _count)");
      }
    }
    for (Map.Entry<Map<String, String>, List<Sample>> e : buckets.entrySet()) {
      List<Sample> bs = e.getValue();
      int line = bs.get(0).line();
      double previousLe = Double.NEGATIVE_INFINITY;
      double previousCount = 0;
      for (Sample b : bs) {
        double le = parseValue(b.labels().get("le"));
        if (Double.isNaN(le) || le <= previousLe)
          problems.add(b.line() + ": le " + b.labels().get("le") + " out of order");
        if (b.value() < previousCount)
          problems.add(b.line() + ": bucket count of " + family + " goes down (not cumulative)");
        previousLe = le;
        previousCount = b.value();
      }
      Sample last = bs.get(bs.size() - 1);
      if (!"+Inf".equals(last.labels().get("le")))
        problems.add(line + ": histogram " + family + e.getKey() + " without a +Inf bucket");
      Double count = counts.get(e.getKey());
      if (count == null)
        problems.add(line + ": histogram " + family + e.getKey() + " without _count");
      else if (count != last.value())
        problems.add(line + ": _count of " + family + e.getKey() + " differs from its +Inf bucket");
      if (!sums.contains(e.getKey()))
        problems.add(line + ": histogram " + family + e.getKey() + " without _sum");
    }
  }

  private static boolean validMetricName(String name, List<String> problems, int line) {
    if (!METRIC_NAME.matcher(name).matches()) {
      problems.add(line + ": invalid metric name '" + name + "'");
      return false;
    }
    if (name.contains(":"))
      problems.add(line + ": metric name " + name + " has ':' (reserved for recording rules)");
    return true;
  }

  /**
   * Parses {@code name{k="v",...} value [timestamp]}; null (with a problem) when it does not parse.
   */
  private static Sample parseSample(String line, int n, List<String> problems) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
    String name = line.substring(0, i);
    if (!validMetricName(name, problems, n)) return null;
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (i < line.length() && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) return bad(problems, n, "label without '='");
        String key = line.substring(i, eq);
        if (!LABEL_NAME.matcher(key).matches())
          problems.add(n + ": invalid label name '" + key + "'");
        if (key.startsWith("__")) problems.add(n + ": reserved label name '" + key + "'");
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"')
          return bad(problems, n, "label value not quoted");
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            if (++j >= line.length()) return bad(problems, n, "escape at the end of the line");
            char e = line.charAt(j);
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> {
                return bad(problems, n, "invalid escape \\" + e + " in a label value");
              }
            }
          } else {
            value.append(c);
          }
        }
        if (j >= line.length()) return bad(problems, n, "unterminated label value");
        if (labels.put(key, value.toString()) != null)
          problems.add(n + ": label " + key + " given twice");
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') i++;
      }
      if (i >= line.length()) return bad(problems, n, "no closing '}'");
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ')
      return bad(problems, n, "no value after the name");
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2)
      return bad(problems, n, "expected a value and at most a timestamp");
    double value = parseValue(rest[0]);
    if (Double.isNaN(value) && !rest[0].equals("NaN"))
      return bad(problems, n, "value '" + rest[0] + "' is not a number");
    return new Sample(name, labels, value, n);
  }

  private static double parseValue(String text) {
    if (text == null) return Double.NaN;
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
    }
  }

  private static Sample bad(List<String> problems, int line, String why) {
    problems.add(line + ": " + why);
    return null;
  }
}
