package io.stacklens.processor.filter;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.expr.Conditions;
import java.util.List;

/**
 * Config of the {@code filter} processor (docs/processors/filter.md). Steps run in this order and
 * each is optional:
 *
 * <pre>
 * include: 'severity_number >= WARN'      # one condition or a list (a record is kept when any matches)
 * exclude: ['body contains "healthz"']    # one condition or a list (a record is dropped when any matches)
 * sample:
 *   percentage: 10                        # 0..100, required in a sample section
 *   by: trace_id                          # trace_id | random | a field path (user_id, attributes["k"])
 *   fallback: random                      # records without the key: keep | drop | random
 *   seed: 0                               # changes which keys are kept
 * throttle:
 *   rate: 100                             # records per second per key, required
 *   burst: 100                            # bucket size; default max(1, ceil(rate))
 *   key: resource.attributes["service.name"]  # default: one bucket for everything
 *   max_keys: 10000                       # least recently used keys are forgotten beyond this
 * </pre>
 */
public class FilterProcessorConfig implements ComponentConfig {
  /** A condition text, or a list of them; null when not written. */
  public Object include;

  /** A condition text, or a list of them; null when not written. */
  public Object exclude;

  /** Off unless written. */
  public SampleSettings sample;

  /** Off unless written. */
  public ThrottleSettings throttle;

  /** What {@code sample.fallback} does with a record that has no sampling key. */
  public enum Fallback {
    KEEP,
    DROP,
    RANDOM
  }

  /** Probabilistic sampling; consistent per key unless {@code by: random}. */
  public static class SampleSettings implements ComponentConfig {
    /** Share of records (or keys) kept, 0 to 100. Required. */
    public Double percentage;

    /** {@code trace_id}, {@code random} or a field path. */
    public String by = "trace_id";

    public Fallback fallback = Fallback.RANDOM;

    public long seed = 0;

    @Override
    public void validate(ConfigProblems problems) {
      if (percentage == null) {
        problems.error(
            "percentage", "is required: the share of records to keep, from 0 to 100, e.g. 10");
      } else if (!(percentage >= 0 && percentage <= 100)) {
        problems.error("percentage", "must be from 0 to 100, got " + percentage);
      }
      if (by == null || by.isBlank()) {
        problems.error(
            "by", "must be trace_id, random or a field path such as attributes[\"user_id\"]");
      } else if (!isSpecialBy(by)) {
        Conditions.checkField(problems, "by", by, true);
      }
      if (fallback == null) problems.error("fallback", "must be keep, drop or random");
    }
  }

  /** Token buckets, one per key value. */
  public static class ThrottleSettings implements ComponentConfig {
    /** Records per second refilled into each bucket. Required, positive. */
    public Double rate;

    /**
     * Bucket capacity: how many records may pass at once after a quiet period. Default max(1,
     * ceil(rate)).
     */
    public Integer burst;

    /** Field path whose value picks the bucket; null: one bucket for all records. */
    public String key;

    /** Most buckets kept; the least recently used is forgotten beyond this. */
    public int maxKeys = 10_000;

    /** The effective burst. */
    public int effectiveBurst() {
      if (burst != null) return burst;
      return rate == null ? 1 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate)));
    }

    @Override
    public void validate(ConfigProblems problems) {
      if (rate == null) {
        problems.error("rate", "is required: records per second per key, e.g. 100");
      } else if (!(rate > 0) || Double.isInfinite(rate)) {
        problems.error("rate", "must be a positive number of records per second, got " + rate);
      }
      if (burst != null && burst < 1) {
        problems.error("burst", "must be at least 1 (records that may pass at once), got " + burst);
      }
      if (key != null) Conditions.checkField(problems, "key", key, true);
      if (maxKeys < 1) problems.error("max_keys", "must be at least 1, got " + maxKeys);
    }
  }

  /** Checks the conditions; the sample and throttle sections validate themselves. */
  @Override
  public void validate(ConfigProblems problems) {
    List<String> inc = conditions(problems, "include", include);
    List<String> exc = conditions(problems, "exclude", exclude);
    for (int i = 0; i < inc.size(); i++) {
      if (inc.get(i) != null)
        Conditions.check(problems, path("include", include, i), inc.get(i), true);
    }
    for (int i = 0; i < exc.size(); i++) {
      if (exc.get(i) != null)
        Conditions.check(problems, path("exclude", exclude, i), exc.get(i), true);
    }
    if (include == null && exclude == null && sample == null && throttle == null) {
      problems.warning(
          "", "nothing to do: set include, exclude, sample or throttle (every record passes)");
    }
  }

  static boolean isSpecialBy(String by) {
    return "trace_id".equals(by.trim()) || "random".equals(by.trim());
  }

  /**
   * The condition texts of {@code include} or {@code exclude}: a string, or a list of strings.
   * Reports anything else (a mapping, a list holding a mapping or an empty list).
   */
  static List<String> conditions(ConfigProblems problems, String key, Object value) {
    if (value == null) return List.of();
    if (value instanceof String s) return List.of(s);
    if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        if (problems != null)
          problems.error(
              key,
              "an empty list matches nothing; write one condition or a list of them, or leave "
                  + key
                  + " out");
        return List.of();
      }
      java.util.ArrayList<String> out = new java.util.ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        if (item instanceof String s) {
          out.add(s);
        } else {
          if (problems != null)
            problems.error(
                key + "[" + i + "]", "expected a condition (text), got " + describe(item));
          out.add(null);
        }
      }
      return out;
    }
    if (problems != null)
      problems.error(key, "expected a condition or a list of conditions, got " + describe(value));
    return List.of();
  }

  private static String path(String key, Object value, int i) {
    return value instanceof List<?> ? key + "[" + i + "]" : key;
  }

  private static String describe(Object v) {
    if (v == null) return "an empty value";
    if (v instanceof java.util.Map<?, ?>) return "a mapping";
    if (v instanceof List<?>) return "a list";
    return "'" + v + "'";
  }
}
