package io.stacklens.processor.enrich;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.config.ConfigValidator;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.enrich.lookup.LookupTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Shared helpers for the enrich tests. */
final class Fixtures {
  private Fixtures() {}

  static final Path GEOIP = Path.of("").toAbsolutePath().resolve("../testdata/geoip").normalize();
  static final String CITY_DB = GEOIP.resolve("GeoLite2-City-Test.mmdb").toString();
  static final String ASN_DB = GEOIP.resolve("GeoLite2-ASN-Test.mmdb").toString();

  static ComponentContext context(MetricsRegistry metrics) {
    return ComponentContext.ofProcessor(ComponentId.of("enrich"), "logs", metrics);
  }

  /** One resource, one scope, one record per attribute map. */
  static LogsBatch batch(Attributes... records) {
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "checkout");
    ScopeLogs sl = new ScopeLogs();
    rl.scopeLogs().add(sl);
    for (Attributes a : records) sl.logRecords().add(new LogRecord(a).setBody("hello"));
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  /** Records with attribute {@code key} set to each of {@code values}. */
  static LogsBatch batchWith(String key, String... values) {
    Attributes[] records = new Attributes[values.length];
    for (int i = 0; i < values.length; i++) records[i] = Attributes.of(key, values[i]);
    return batch(records);
  }

  static List<LogRecord> records(LogsBatch b) {
    List<LogRecord> out = new ArrayList<>();
    b.forEachRecord(out::add);
    return out;
  }

  static LogRecord only(LogsBatch b) {
    List<LogRecord> r = records(b);
    if (r.size() != 1) throw new AssertionError("expected one record, got " + r.size());
    return r.get(0);
  }

  static EnrichProcessor processor(EnrichProcessorConfig config, MetricsRegistry metrics) {
    return processor(
        config,
        metrics,
        l -> {
          throw new AssertionError("no tables in this test");
        });
  }

  static EnrichProcessor processor(
      EnrichProcessorConfig config,
      MetricsRegistry metrics,
      Function<EnrichProcessorConfig.LookupSettings, LookupTable> tables) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) throw new AssertionError("config problems: " + problems);
    return EnrichProcessor.create(
        context(metrics),
        config,
        Map.of("DEPLOYMENT_ENVIRONMENT", "staging")::get,
        tables,
        System::nanoTime);
  }

  /** Errors reported by {@code config.validate}, as "path: message". */
  static List<String> problems(EnrichProcessorConfig config) {
    return ConfigValidator.problemsOf(config);
  }

  static EnrichProcessorConfig.HttpSettings http(String name, String url) {
    EnrichProcessorConfig.HttpSettings h = new EnrichProcessorConfig.HttpSettings();
    h.name = name;
    h.key = "user_id";
    h.url = url;
    return h;
  }

  static long counter(MetricsRegistry m, String name, String source) {
    return m.counterSum(name, "source", source);
  }

  static long counter(MetricsRegistry m, String name, String source, String reason) {
    return m.counterSum(name, "source", source, "reason", reason);
  }
}
