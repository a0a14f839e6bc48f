package io.stacklens.processor.enrich;

import static io.stacklens.processor.enrich.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Factory;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.StubFactories;
import io.stacklens.processor.enrich.lookup.CsvTableConfig;
import io.stacklens.processor.enrich.lookup.PostgresTableConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** validate() and binding from YAML through the real config loader. */
class EnrichProcessorConfigTest {
  private static LoadResult load(String processorYaml) {
    String yaml =
        "receivers: { otlp: }\nexporters: { debug: }\nprocessors:\n  enrich:\n"
            + processorYaml.indent(4)
            + "service:\n  pipelines:\n    logs: { receivers: [otlp], processors: [enrich], exporters: [debug] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(
            StubFactories.receiver("otlp"),
            StubFactories.exporter("debug"),
            new EnrichProcessorFactory());
    return new ConfigLoader(registry, Map.of("TESTDATA", "/data", "API_TOKEN", "t0k"))
        .loadString(yaml, "agent.yaml");
  }

  private static List<String> messages(LoadResult r) {
    return r.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
  }

  @Test
  void theFactoryIsFoundByTheServiceLoader() {
    boolean found =
        ServiceLoader.load(Factory.class).stream()
            .map(ServiceLoader.Provider::get)
            .anyMatch(f -> f.kind() == ComponentKind.PROCESSOR && f.type().equals("enrich"));
    assertThat(found).isTrue();
    assertThat(new EnrichProcessorFactory().signals()).containsExactly(Signal.LOGS);
  }

  @Test
  void bindsEveryOptionFromYaml() {
    LoadResult r =
        load(
            """
        resource:
          detect: [host.name, os.type]
          environment_variable: APP_ENV
          attributes: { team: payments, region: "${env:TESTDATA}" }
          override: true
        geoip:
          name: geo
          field: source_ip
          city_database: ${env:TESTDATA}/City.mmdb
          asn_database: ${env:TESTDATA}/ASN.mmdb
          prefix: "source."
          cache_size: 50
        lookup:
          - name: stores
            key: store_id
            csv: { path: /etc/stores.csv }
            columns: { store_name: store.name }
            cache: { ttl: 10m, negative_ttl: 30s, max_entries: 500 }
        http:
          - name: user_profile
            key: attributes["user"]["id"]
            url: http://users.internal:8080/users/{key}
            headers: { Authorization: "Bearer ${env:API_TOKEN}" }
            timeout: 150ms
            fields: { account.tier: user.tier }
            prefix: "u."
            retry: { max_retries: 1, initial_backoff: 10ms, max_backoff: 100ms }
            circuit_breaker: { enabled: true, failure_ratio: 0.25, minimum_calls: 5, window_size: 50, open_duration: 5s }
        lookup_threads: 4
        lookup_queue_size: 100
        batch_deadline: 75ms
        """);
    assertThat(messages(r)).isEmpty();
    EnrichProcessorConfig c =
        (EnrichProcessorConfig) r.config().orElseThrow().processors().get(ComponentId.of("enrich"));
    assertThat(c.resource.detect).containsExactly("host.name", "os.type");
    assertThat(c.resource.environmentVariable).isEqualTo("APP_ENV");
    assertThat(c.resource.attributes)
        .containsEntry("region", "/data")
        .containsEntry("team", "payments");
    assertThat(c.resource.override).isTrue();
    assertThat(c.geoip.name).isEqualTo("geo");
    assertThat(c.geoip.cityDatabase).isEqualTo("/data/City.mmdb");
    assertThat(c.geoip.cacheSize).isEqualTo(50);
    assertThat(c.lookup.get(0).csv.path).isEqualTo("/etc/stores.csv");
    assertThat(c.lookup.get(0).cache.negativeTtl).isEqualTo(Duration.ofSeconds(30));
    EnrichProcessorConfig.HttpSettings h = c.http.get(0);
    assertThat(h.headers).containsEntry("Authorization", "Bearer t0k");
    assertThat(h.timeout).isEqualTo(Duration.ofMillis(150));
    assertThat(h.retry.maxBackoff).isEqualTo(Duration.ofMillis(100));
    assertThat(h.circuitBreaker.failureRatio).isEqualTo(0.25);
    assertThat(h.circuitBreaker.windowSize).isEqualTo(50);
    assertThat(c.lookupThreads).isEqualTo(4);
    assertThat(c.lookupQueueSize).isEqualTo(100);
    assertThat(c.batchDeadline).isEqualTo(Duration.ofMillis(75));
  }

  @Test
  void loaderReportsProblemsWithTheFullYamlPathAndLine() {
    LoadResult r =
        load(
            """
        http:
          - name: p
            key: user_id
            url: ftp://x/y
            circuit_breaker: { failure_ratio: 1.5 }
        """);
    List<ConfigProblem> errors = r.errors();
    assertThat(errors)
        .extracting(ConfigProblem::path)
        .containsExactly(
            "processors.enrich.http[0].url",
            "processors.enrich.http[0].circuit_breaker.failure_ratio");
    assertThat(errors.get(0).line()).isEqualTo(8);
    assertThat(errors.get(0).message())
        .isEqualTo("must start with http:// or https://, got 'ftp://x/y'");
  }

  @Test
  void anEmptyConfigIsAnError() {
    assertThat(problems(new EnrichProcessorConfig()))
        .containsExactly(": configures no step: add resource, geoip, lookup or http");
  }

  @Test
  void aValidConfigHasNoProblems() {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.resource = new EnrichProcessorConfig.ResourceSettings();
    c.geoip = new EnrichProcessorConfig.GeoipSettings();
    c.geoip.cityDatabase = Fixtures.CITY_DB;
    c.http = List.of(Fixtures.http("p", "https://api.example.com/users"));
    assertThat(problems(c)).isEmpty();
  }

  @Test
  void reportsEveryResourceProblem() {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.resource = new EnrichProcessorConfig.ResourceSettings();
    c.resource.detect = List.of("host.name", "hostname", "host.name");
    c.resource.environmentVariable = " ";
    c.resource.detect = List.of("host.name", "hostname", "host.name", "deployment.environment");
    assertThat(problems(c))
        .containsExactly(
            "resource.detect[1]: unknown attribute 'hostname' (known: host.name, os.type, process.pid, host.ip, deployment.environment)",
            "resource.detect[2]: 'host.name' is listed twice",
            "resource.environment_variable: must name the environment variable holding deployment.environment");
    c.resource.detect = List.of();
    c.resource.attributes = Map.of();
    assertThat(problems(c))
        .containsExactly(
            "resource: detects nothing and has no attributes: add some, or remove the section");
  }

  @Test
  void reportsEveryGeoipProblem() {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.geoip = new EnrichProcessorConfig.GeoipSettings();
    c.geoip.field = "attributes[";
    c.geoip.prefix = null;
    c.geoip.cacheSize = -1;
    c.geoip.name = "";
    List<String> p = problems(c);
    assertThat(p).hasSize(5);
    assertThat(p.get(0)).startsWith("geoip.field: ");
    assertThat(p.subList(1, 5))
        .containsExactly(
            "geoip: needs city_database, asn_database or both (paths to .mmdb files)",
            "geoip.prefix: must be a string (\"\" for none)",
            "geoip.cache_size: must be 0 (no cache) or positive, got -1",
            "geoip.name: must not be empty");
  }

  @Test
  void reportsEveryLookupProblem() {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    EnrichProcessorConfig.LookupSettings l = new EnrichProcessorConfig.LookupSettings();
    l.cache.ttl = Duration.ZERO;
    l.cache.negativeTtl = Duration.ofSeconds(-1);
    l.cache.maxEntries = 0;
    l.columns = Map.of("a", "", "b", "enrichment.sources");
    c.lookup = List.of(l);
    assertThat(problems(c))
        .containsExactlyInAnyOrder(
            "lookup[0].name: is required: a short name for this source, e.g. user_profile",
            "lookup[0].key: a field is required (e.g. body, attributes[\"key\"] or a bare attribute name)",
            "lookup[0].cache.ttl: must be a positive duration, got 0s",
            "lookup[0].cache.negative_ttl: must be 0 (do not cache misses) or a positive duration, got -1s",
            "lookup[0].cache.max_entries: must be at least 1, got 0",
            "lookup[0]: needs a table: csv: { ... } or postgres: { ... }",
            "lookup[0].columns.a: needs the attribute name to set, e.g. a",
            "lookup[0].columns.b: must not write enrichment.* (reserved for provenance), got 'enrichment.sources'",
            ": configures no step: add resource, geoip, lookup or http");
    l.name = "t";
    l.key = "k";
    l.columns = Map.of();
    l.cache = new EnrichProcessorConfig.CacheSettings();
    l.csv = csv("/etc/stacklens/t.csv");
    l.postgres = new PostgresTableConfig();
    l.postgres.endpoint = "jdbc:postgresql://db.internal:5432/inventory";
    l.postgres.query = "SELECT name FROM t WHERE k = ?";
    assertThat(problems(c))
        .containsExactly("lookup[0]: has both csv and postgres; a lookup reads one table");
  }

  @Test
  void reportsEveryHttpProblem() {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    EnrichProcessorConfig.HttpSettings h = Fixtures.http("p", "http:///nohost");
    h.timeout = Duration.ZERO;
    h.headers = Map.of("Bad Header", "x", "X-Ok", "line\nbreak");
    h.fields = Map.of("a..b", "x", ".a", "y");
    h.retry.maxRetries = -1;
    h.retry.initialBackoff = Duration.ofSeconds(2);
    h.retry.maxBackoff = Duration.ofSeconds(1);
    h.circuitBreaker.failureRatio = 0;
    h.circuitBreaker.minimumCalls = 30;
    h.circuitBreaker.windowSize = 20;
    h.circuitBreaker.openDuration = Duration.ZERO;
    c.http = List.of(h);
    c.lookupThreads = 0;
    c.lookupQueueSize = 0;
    c.batchDeadline = Duration.ZERO;
    assertThat(problems(c))
        .containsExactlyInAnyOrder(
            "http[0].url: has no host: 'http:///nohost'",
            "http[0].timeout: must be a positive duration, got 0s",
            "http[0].headers.Bad Header: is not a valid header name",
            "http[0].headers.X-Ok: must not contain line breaks",
            "http[0].fields.a..b: is not a JSON field path (names separated by dots, e.g. account.tier)",
            "http[0].fields..a: is not a JSON field path (names separated by dots, e.g. account.tier)",
            "http[0].retry.max_retries: must be 0 (no retries) or positive, got -1",
            "http[0].retry.max_backoff: must be at least initial_backoff (2s), got 1s",
            "http[0].circuit_breaker.failure_ratio: must be a ratio above 0 and at most 1 (0.5 = half the calls), got 0.0",
            "http[0].circuit_breaker.minimum_calls: must not exceed window_size (20), got 30",
            "http[0].circuit_breaker.open_duration: must be a positive duration, got 0s",
            "lookup_threads: must be at least 1, got 0",
            "lookup_queue_size: must be at least 1, got 0",
            "batch_deadline: must be a positive duration, got 0s");
    h.url = null;
    h.timeout = Duration.ofSeconds(1);
    h.headers = Map.of();
    h.fields = Map.of();
    h.retry = new EnrichProcessorConfig.RetrySettings();
    h.circuitBreaker = new EnrichProcessorConfig.CircuitBreakerSettings();
    c.lookupThreads = 1;
    c.lookupQueueSize = 1;
    c.batchDeadline = Duration.ofMinutes(1);
    assertThat(problems(c))
        .containsExactly(
            "warning batch_deadline: is 1m: the pipeline worker may wait this long per batch on a slow source",
            "http[0].url: is required: e.g. http://users.internal:8080/users (GET url/KEY) or http://host/users/{key}/profile");
    h.url = "http://exa mple/";
    assertThat(problems(c)).anyMatch(p -> p.startsWith("http[0].url: is not a valid URL: "));
  }

  @Test
  void sourceNamesMustBeUnique() {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.geoip = new EnrichProcessorConfig.GeoipSettings();
    c.geoip.asnDatabase = "x.mmdb";
    c.geoip.name = "users";
    EnrichProcessorConfig.LookupSettings l = new EnrichProcessorConfig.LookupSettings();
    l.name = "users";
    l.key = "k";
    l.csv = csv("/etc/stacklens/users.csv");
    c.lookup = List.of(l);
    c.http = List.of(Fixtures.http("users", "http://a/b"), Fixtures.http("resource", "http://a/b"));
    c.resource = new EnrichProcessorConfig.ResourceSettings();
    assertThat(problems(c))
        .containsExactly(
            "lookup[0].name: source name 'users' is already used by geoip.name; names must be unique",
            "http[0].name: source name 'users' is already used by geoip.name; names must be unique",
            "http[1].name: source name 'resource' is already used by resource; names must be unique");
  }

  private static CsvTableConfig csv(String path) {
    CsvTableConfig csv = new CsvTableConfig();
    csv.path = path;
    return csv;
  }
}
