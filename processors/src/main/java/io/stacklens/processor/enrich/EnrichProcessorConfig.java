package io.stacklens.processor.enrich;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.Secret;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.processor.enrich.lookup.CsvTableConfig;
import io.stacklens.processor.enrich.lookup.PostgresTableConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Config of the {@code enrich} processor: a resource step, a GeoIP step, lookup tables and HTTP
 * sources, run in that order on every batch. Every section is off until written. Reference:
 * docs/processors/enrich.md.
 *
 * <p>Each section validates itself (the config loader runs {@code validate} on every nested
 * section, with keys relative to it); {@link #validate} here checks only what spans sections: that
 * there is a step, and that source names are unique.
 */
public class EnrichProcessorConfig implements ComponentConfig {
  /** The attributes the resource step can detect, in the order it adds them. */
  public static final List<String> DETECTABLE =
      List.of("host.name", "os.type", "process.pid", "host.ip", "deployment.environment");

  /** Adds attributes of this host and static attributes to every resource. Off unless written. */
  public ResourceSettings resource;

  /** Adds geo and AS attributes from MaxMind databases. Off unless written. */
  public GeoipSettings geoip;

  /** Keyed tables (CSV, PostgreSQL). */
  public List<LookupSettings> lookup = new ArrayList<>();

  /** Keyed HTTP APIs. */
  public List<HttpSettings> http = new ArrayList<>();

  /** Threads looking keys up in tables and HTTP sources (shared by all of them). */
  public int lookupThreads = 8;

  /** Lookups waiting for a thread; beyond this a key fails with "overloaded" for that batch. */
  public int lookupQueueSize = 10_000;

  /**
   * How long a batch waits for its lookups. Keys not answered by then are tagged as errors
   * ("timeout after ...") on this batch; their lookups go on and fill the cache for later batches.
   */
  public Duration batchDeadline = Duration.ofMillis(200);

  /** The resource step. */
  public static class ResourceSettings implements ComponentConfig {
    /** Which host attributes to detect; any of {@link #DETECTABLE}. */
    public List<String> detect = new ArrayList<>(DETECTABLE);

    /** The environment variable deployment.environment is read from. */
    public String environmentVariable = "DEPLOYMENT_ENVIRONMENT";

    /** Static attributes (values may use ${env:...}); they win over detected ones. */
    public Map<String, String> attributes = new LinkedHashMap<>();

    /** true: replace what the application sent; false: only add attributes that are missing. */
    public boolean override = false;

    @Override
    public void validate(ConfigProblems problems) {
      Set<String> seen = new HashSet<>();
      if (detect == null) {
        problems.error("detect", "must be a list (empty to detect nothing)");
      } else {
        for (int i = 0; i < detect.size(); i++) {
          String d = detect.get(i);
          if (d == null || !DETECTABLE.contains(d)) {
            problems.error(
                "detect[" + i + "]",
                "unknown attribute '" + d + "' (known: " + String.join(", ", DETECTABLE) + ")");
          } else if (!seen.add(d)) {
            problems.error("detect[" + i + "]", "'" + d + "' is listed twice");
          }
        }
      }
      if (detect != null
          && detect.contains("deployment.environment")
          && (environmentVariable == null || environmentVariable.isBlank())) {
        problems.error(
            "environment_variable",
            "must name the environment variable holding deployment.environment");
      }
      if (attributes != null) {
        for (Map.Entry<String, String> e : attributes.entrySet()) {
          if (e.getKey().isBlank())
            problems.error("attributes", "attribute names must not be empty");
          if (e.getValue() == null) problems.error("attributes." + e.getKey(), "needs a value");
        }
      }
      boolean nothing =
          (detect == null || detect.isEmpty()) && (attributes == null || attributes.isEmpty());
      if (nothing)
        problems.error(
            "", "detects nothing and has no attributes: add some, or remove the section");
    }
  }

  /** The GeoIP step. */
  public static class GeoipSettings implements ComponentConfig {
    /** Source name in enrichment.sources / enrichment.errors and in metrics. */
    public String name = "geoip";

    /** The field holding the IP address. */
    public String field = "client.ip";

    /** A GeoLite2/GeoIP2 City database (.mmdb). */
    public String cityDatabase;

    /** A GeoLite2/GeoIP2 ASN database (.mmdb). */
    public String asnDatabase;

    /**
     * Put in front of every attribute name this step adds ({@code source.} gives
     * source.geo.city.name).
     */
    public String prefix = "";

    /** Addresses whose answers the worker keeps in memory (0 = no cache). */
    public int cacheSize = 10_000;

    @Override
    public void validate(ConfigProblems problems) {
      Conditions.checkField(problems, "field", field, true);
      if (blank(cityDatabase) && blank(asnDatabase)) {
        problems.error("", "needs city_database, asn_database or both (paths to .mmdb files)");
      }
      if (prefix == null) problems.error("prefix", "must be a string (\"\" for none)");
      if (cacheSize < 0)
        problems.error("cache_size", "must be 0 (no cache) or positive, got " + cacheSize);
      if (blank(name)) problems.error("name", "must not be empty");
    }
  }

  /** Cache in front of a keyed source. */
  public static class CacheSettings implements ComponentConfig {
    /** How long a found row stays cached. */
    public Duration ttl = Duration.ofMinutes(5);

    /** How long a key that was not found stays cached as "not found" (0: misses are not cached). */
    public Duration negativeTtl = Duration.ofMinutes(1);

    /** Keys kept at most; the least recently used go first. */
    public int maxEntries = 10_000;

    @Override
    public void validate(ConfigProblems problems) {
      if (ttl == null || ttl.isZero() || ttl.isNegative()) {
        problems.error("ttl", "must be a positive duration, got " + Durations.describe(ttl));
      }
      if (negativeTtl == null || negativeTtl.isNegative()) {
        problems.error(
            "negative_ttl",
            "must be 0 (do not cache misses) or a positive duration, got "
                + Durations.describe(negativeTtl));
      }
      if (maxEntries < 1) problems.error("max_entries", "must be at least 1, got " + maxEntries);
    }
  }

  /** What keyed sources share: a name, the key field, the target attributes and a cache. */
  public abstract static class KeyedSettings implements ComponentConfig {
    /**
     * Unique among this processor's sources; shows in enrichment.sources / enrichment.errors and
     * metrics.
     */
    public String name;

    /** The field whose value is the key. */
    public String key;

    /**
     * Put in front of every name when all columns / fields are added (columns / fields empty).
     * Default: the source name and a dot.
     */
    public String prefix;

    public CacheSettings cache = new CacheSettings();

    /**
     * Checks the shared keys; the cache section validates itself. Subclasses add their own checks.
     */
    @Override
    public void validate(ConfigProblems problems) {
      if (blank(name))
        problems.error("name", "is required: a short name for this source, e.g. user_profile");
      Conditions.checkField(problems, "key", key, true);
      if (cache == null) problems.error("cache", "must not be empty");
    }

    String effectivePrefix() {
      return prefix != null ? prefix : name + ".";
    }
  }

  /** A lookup table step. */
  public static class LookupSettings extends KeyedSettings {
    public CsvTableConfig csv;
    public PostgresTableConfig postgres;

    /** Column -> attribute to set. Empty: every column, as prefix + column. */
    public Map<String, String> columns = new LinkedHashMap<>();

    @Override
    public void validate(ConfigProblems problems) {
      super.validate(problems);
      if (csv == null && postgres == null) {
        problems.error("", "needs a table: csv: { ... } or postgres: { ... }");
      } else if (csv != null && postgres != null) {
        problems.error("", "has both csv and postgres; a lookup reads one table");
      }
      validateTargets("columns", columns, problems);
    }
  }

  /** An HTTP source step. */
  public static class HttpSettings extends KeyedSettings {
    /** Base URL (GET {url}/{key}) or a template containing {key}. The key is URL-encoded. */
    public String url;

    /** Request headers (e.g. Authorization); shown redacted by print-config. */
    @Secret public Map<String, String> headers = new LinkedHashMap<>();

    /** Time limit of one attempt (connect and response). */
    public Duration timeout = Duration.ofMillis(500);

    /**
     * JSON field (dotted path into nested objects) -> attribute to set. Empty: every top-level
     * scalar, as prefix + field.
     */
    public Map<String, String> fields = new LinkedHashMap<>();

    public RetrySettings retry = new RetrySettings();

    public CircuitBreakerSettings circuitBreaker = new CircuitBreakerSettings();

    @Override
    public void validate(ConfigProblems problems) {
      super.validate(problems);
      if (blank(url)) {
        problems.error(
            "url",
            "is required: e.g. http://users.internal:8080/users (GET url/KEY) or http://host/users/{key}/profile");
      } else {
        try {
          URI u = new URI(url.replace("{key}", "KEY"));
          String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
          if (!scheme.equals("http") && !scheme.equals("https")) {
            problems.error("url", "must start with http:// or https://, got '" + url + "'");
          } else if (u.getHost() == null || u.getHost().isEmpty()) {
            problems.error("url", "has no host: '" + url + "'");
          }
        } catch (URISyntaxException e) {
          problems.error("url", "is not a valid URL: " + e.getMessage());
        }
      }
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        problems.error(
            "timeout", "must be a positive duration, got " + Durations.describe(timeout));
      }
      if (headers != null) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
          if (!validHeaderName(h.getKey()))
            problems.error("headers." + h.getKey(), "is not a valid header name");
          if (h.getValue() == null) problems.error("headers." + h.getKey(), "needs a value");
          else if (h.getValue().indexOf('\n') >= 0 || h.getValue().indexOf('\r') >= 0) {
            problems.error("headers." + h.getKey(), "must not contain line breaks");
          }
        }
      }
      if (fields != null) {
        for (String f : fields.keySet()) {
          if (f.isEmpty() || f.startsWith(".") || f.endsWith(".") || f.contains("..")) {
            problems.error(
                "fields." + f,
                "is not a JSON field path (names separated by dots, e.g. account.tier)");
          }
        }
      }
      validateTargets("fields", fields, problems);
      if (retry == null) problems.error("retry", "must not be empty");
      if (circuitBreaker == null) problems.error("circuit_breaker", "must not be empty");
    }

    private static boolean validHeaderName(String name) {
      if (name == null || name.isEmpty()) return false;
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        if (!ok) return false;
      }
      return true;
    }
  }

  /** Retries of one HTTP lookup: server errors (5xx, 429), connection failures and timeouts. */
  public static class RetrySettings implements ComponentConfig {
    /** Retries after the first attempt (0 = no retries). */
    public int maxRetries = 2;

    /** Wait before the first retry; doubles each retry up to max_backoff. */
    public Duration initialBackoff = Duration.ofMillis(50);

    public Duration maxBackoff = Duration.ofSeconds(1);

    @Override
    public void validate(ConfigProblems problems) {
      if (maxRetries < 0)
        problems.error("max_retries", "must be 0 (no retries) or positive, got " + maxRetries);
      if (initialBackoff == null || initialBackoff.isZero() || initialBackoff.isNegative()) {
        problems.error(
            "initial_backoff",
            "must be a positive duration, got " + Durations.describe(initialBackoff));
      }
      if (maxBackoff == null || maxBackoff.isZero() || maxBackoff.isNegative()) {
        problems.error(
            "max_backoff", "must be a positive duration, got " + Durations.describe(maxBackoff));
      } else if (initialBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
        problems.error(
            "max_backoff",
            "must be at least initial_backoff ("
                + Durations.describe(initialBackoff)
                + "), got "
                + Durations.describe(maxBackoff));
      }
    }
  }

  /** Stops calling a failing HTTP source for a while. */
  public static class CircuitBreakerSettings implements ComponentConfig {
    public boolean enabled = true;

    /** Opens when at least this share (0..1) of the calls in the window failed... */
    public double failureRatio = 0.5;

    /** ...and the window holds at least this many calls. */
    public int minimumCalls = 10;

    /** The sliding window: the last this-many calls. */
    public int windowSize = 20;

    /** How long it stays open before letting one probe call through (half-open). */
    public Duration openDuration = Duration.ofSeconds(10);

    @Override
    public void validate(ConfigProblems problems) {
      if (!(failureRatio > 0 && failureRatio <= 1)) {
        problems.error(
            "failure_ratio",
            "must be a ratio above 0 and at most 1 (0.5 = half the calls), got " + failureRatio);
      }
      if (minimumCalls < 1)
        problems.error("minimum_calls", "must be at least 1, got " + minimumCalls);
      if (windowSize < 1) problems.error("window_size", "must be at least 1, got " + windowSize);
      else if (minimumCalls > windowSize) {
        problems.error(
            "minimum_calls",
            "must not exceed window_size (" + windowSize + "), got " + minimumCalls);
      }
      if (openDuration == null || openDuration.isZero() || openDuration.isNegative()) {
        problems.error(
            "open_duration",
            "must be a positive duration, got " + Durations.describe(openDuration));
      }
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    List<String> names = new ArrayList<>();
    List<String> namePaths = new ArrayList<>();
    if (resource != null) {
      names.add("resource");
      namePaths.add("resource");
    }
    if (geoip != null && !blank(geoip.name)) {
      names.add(geoip.name);
      namePaths.add("geoip.name");
    }
    if (lookup == null) problems.error("lookup", "must be a list");
    else {
      for (int i = 0; i < lookup.size(); i++) {
        LookupSettings l = lookup.get(i);
        if (l == null) {
          problems.error("lookup[" + i + "]", "must not be empty");
          continue;
        }
        if (!blank(l.name)) {
          names.add(l.name);
          namePaths.add("lookup[" + i + "].name");
        }
      }
    }
    if (http == null) problems.error("http", "must be a list");
    else {
      for (int i = 0; i < http.size(); i++) {
        HttpSettings h = http.get(i);
        if (h == null) {
          problems.error("http[" + i + "]", "must not be empty");
          continue;
        }
        if (!blank(h.name)) {
          names.add(h.name);
          namePaths.add("http[" + i + "].name");
        }
      }
    }
    if (names.isEmpty() && resource == null && geoip == null) {
      problems.error("", "configures no step: add resource, geoip, lookup or http");
    }
    Map<String, String> firstAt = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String prev = firstAt.putIfAbsent(names.get(i), namePaths.get(i));
      if (prev != null) {
        problems.error(
            namePaths.get(i),
            "source name '"
                + names.get(i)
                + "' is already used by "
                + prev
                + "; names must be unique");
      }
    }
    boolean keyed = (lookup != null && !lookup.isEmpty()) || (http != null && !http.isEmpty());
    if (lookupThreads < 1)
      problems.error("lookup_threads", "must be at least 1, got " + lookupThreads);
    if (lookupQueueSize < 1)
      problems.error("lookup_queue_size", "must be at least 1, got " + lookupQueueSize);
    if (batchDeadline == null || batchDeadline.isZero() || batchDeadline.isNegative()) {
      problems.error(
          "batch_deadline",
          "must be a positive duration, got " + Durations.describe(batchDeadline));
    } else if (keyed && batchDeadline.compareTo(Duration.ofSeconds(30)) > 0) {
      problems.warning(
          "batch_deadline",
          "is "
              + Durations.format(batchDeadline)
              + ": the pipeline worker may wait this long per batch on a slow source");
    }
  }

  private static void validateTargets(
      String path, Map<String, String> targets, ConfigProblems problems) {
    if (targets == null) {
      problems.error(path, "must be a mapping (empty to add everything with the prefix)");
      return;
    }
    for (Map.Entry<String, String> e : targets.entrySet()) {
      if (e.getValue() == null || e.getValue().isBlank()) {
        problems.error(
            path + "." + e.getKey(),
            "needs the attribute name to set, e.g. " + e.getKey().replace('.', '_'));
      } else if (e.getValue().startsWith("enrichment.")) {
        problems.error(
            path + "." + e.getKey(),
            "must not write enrichment.* (reserved for provenance), got '" + e.getValue() + "'");
      }
    }
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
