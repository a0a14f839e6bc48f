package io.stacklens.processor.enrich;

import static io.stacklens.processor.enrich.Fixtures.batchWith;
import static io.stacklens.processor.enrich.Fixtures.counter;
import static io.stacklens.processor.enrich.Fixtures.only;
import static io.stacklens.processor.enrich.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.enrich.lookup.CsvTableConfig;
import io.stacklens.processor.enrich.lookup.LookupTable;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lookup tables, with an in-test {@link LookupTable} (the CSV and PostgreSQL tables are tested by
 * their owner).
 */
class TableEnrichTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final List<EnrichProcessor> processors = new ArrayList<>();

  /** Stores by id; "down" makes every get fail like a refused connection; counts gets per key. */
  static class StoresTable implements LookupTable {
    final Map<String, Attributes> rows = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicBoolean started = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();
    volatile long delayMillis;
    volatile String startFailure;

    StoresTable() {
      rows.put(
          "s1",
          Attributes.of("store_name", "Berlin Mitte", "region", "eu-central", "floor_m2", 1200L));
      rows.put("s2", Attributes.of("store_name", "Lyon", "region", "eu-west", "floor_m2", 800L));
    }

    @Override
    public void start() {
      if (startFailure != null) throw new IllegalStateException(startFailure);
      started.set(true);
    }

    @Override
    public Attributes get(String key) throws Exception {
      gets.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      if (delayMillis > 0) Thread.sleep(delayMillis);
      if (down.get())
        throw new java.sql.SQLException(
            "connect failed", new ConnectException("Connection refused"));
      return rows.get(key);
    }

    int gets(String key) {
      AtomicInteger n = gets.get(key);
      return n == null ? 0 : n.get();
    }

    @Override
    public String describe() {
      return "test table stores";
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @AfterEach
  void tearDown() {
    for (EnrichProcessor p : processors) p.shutdown(Instant.now().plusSeconds(1));
  }

  private static EnrichProcessorConfig.LookupSettings stores() {
    EnrichProcessorConfig.LookupSettings l = new EnrichProcessorConfig.LookupSettings();
    l.name = "stores";
    l.key = "store_id";
    l.csv = new CsvTableConfig();
    l.csv.path = "/unused/stores.csv";
    return l;
  }

  private EnrichProcessor start(EnrichProcessorConfig.LookupSettings l, LookupTable table) {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.lookup = List.of(l);
    c.batchDeadline = Duration.ofSeconds(2);
    return start(c, table);
  }

  private EnrichProcessor start(EnrichProcessorConfig c, LookupTable table) {
    EnrichProcessor p = Fixtures.processor(c, metrics, settings -> table);
    processors.add(p);
    return p;
  }

  @Test
  void mapsChosenColumnsToAttributes() {
    StoresTable t = new StoresTable();
    EnrichProcessorConfig.LookupSettings l = stores();
    l.columns = Map.of("store_name", "store.name", "region", "cloud.region", "absent_column", "x");
    LogsBatch b = batchWith("store_id", "s1", "s2");
    start(l, t).process(b);
    assertThat(t.started).isTrue();
    Attributes a = records(b).get(0).attributes();
    assertThat(a.get("store.name")).isEqualTo("Berlin Mitte");
    assertThat(a.get("cloud.region")).isEqualTo("eu-central");
    assertThat(a.contains("floor_m2")).isFalse();
    assertThat(a.contains("x")).isFalse();
    assertThat(a.get(EnrichProcessor.SOURCES)).isEqualTo(List.of("stores"));
    assertThat(records(b).get(1).attributes().get("store.name")).isEqualTo("Lyon");
  }

  @Test
  void withoutColumnsAddsAllColumnsWithThePrefix() {
    StoresTable t = new StoresTable();
    LogsBatch b = batchWith("store_id", "s1");
    start(stores(), t).process(b);
    Attributes a = only(b).attributes();
    assertThat(a.get("stores.store_name")).isEqualTo("Berlin Mitte");
    assertThat(a.get("stores.floor_m2")).isEqualTo(1200L);

    EnrichProcessorConfig.LookupSettings bare = stores();
    bare.prefix = "";
    LogsBatch b2 = batchWith("store_id", "s2");
    start(bare, new StoresTable()).process(b2);
    assertThat(only(b2).attributes().get("region")).isEqualTo("eu-west");
  }

  @Test
  void cachesRowsAndMissesSoTheTableIsNotHitPerRecord() {
    StoresTable t = new StoresTable();
    EnrichProcessor p = start(stores(), t);
    p.process(batchWith("store_id", "s1", "s1", "nope", "s1", "nope"));
    p.process(batchWith("store_id", "s1", "nope"));
    assertThat(t.gets("s1")).isEqualTo(1);
    assertThat(t.gets("nope")).isEqualTo(1);
    assertThat(counter(metrics, SourceMetrics.NOT_FOUND, "stores", "not_found")).isEqualTo(1);
    assertThat(counter(metrics, SourceMetrics.CACHE_HITS, "stores")).isEqualTo(2);
  }

  @Test
  void aFailingTableTagsRecordsAndRecoversWhenItIsBack() {
    StoresTable t = new StoresTable();
    t.down.set(true);
    EnrichProcessor p = start(stores(), t);
    LogsBatch b = batchWith("store_id", "s1", "s2");
    p.process(b);
    assertThat(records(b))
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.attributes().get(EnrichProcessor.ERRORS))
                  .isEqualTo(List.of("stores: connection refused"));
              assertThat(r.attributes().contains(EnrichProcessor.SOURCES)).isFalse();
            });
    assertThat(counter(metrics, SourceMetrics.ERRORS, "stores", "connection_refused")).isEqualTo(2);

    t.down.set(false);
    LogsBatch after = batchWith("store_id", "s1");
    p.process(after);
    assertThat(only(after).attributes().get("stores.store_name")).isEqualTo("Berlin Mitte");
    assertThat(only(after).attributes().contains(EnrichProcessor.ERRORS)).isFalse();
  }

  @Test
  void otherFailuresAreReportedWithTheirMessage() {
    LookupTable broken =
        new StoresTable() {
          @Override
          public Attributes get(String key) {
            throw new IllegalStateException("pool exhausted");
          }
        };
    LogsBatch b = batchWith("store_id", "s1");
    start(stores(), broken).process(b);
    assertThat(only(b).attributes().get(EnrichProcessor.ERRORS))
        .isEqualTo(List.of("stores: lookup failed: pool exhausted"));
  }

  @Test
  void aSlowTableMeetsTheDeadlineAndLaterBatchesGetTheAnswer() throws Exception {
    StoresTable t = new StoresTable();
    t.delayMillis = 400;
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.lookup = List.of(stores());
    c.batchDeadline = Duration.ofMillis(50);
    EnrichProcessor p = start(c, t);
    LogsBatch b = batchWith("store_id", "s1", "s2");
    long t0 = System.nanoTime();
    p.process(b);
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(300);
    assertThat(records(b))
        .allSatisfy(
            r ->
                assertThat(r.attributes().get(EnrichProcessor.ERRORS))
                    .isEqualTo(List.of("stores: timeout after 50ms")));
    Thread.sleep(600);
    LogsBatch later = batchWith("store_id", "s1", "s2");
    p.process(later);
    assertThat(records(later))
        .allSatisfy(
            r ->
                assertThat(r.attributes().get(EnrichProcessor.SOURCES))
                    .isEqualTo(List.of("stores")));
    assertThat(t.gets("s1")).isEqualTo(1);
    assertThat(t.gets("s2")).isEqualTo(1);
  }

  @Test
  void sourcesRunInConfigOrderAndProvenanceListsEveryOne() {
    StoresTable t = new StoresTable();
    EnrichProcessorConfig.LookupSettings a = stores();
    a.columns = Map.of("region", "region");
    EnrichProcessorConfig.LookupSettings broken = stores();
    broken.name = "regions";
    broken.key = "region";
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.lookup = List.of(a, broken);
    c.batchDeadline = Duration.ofSeconds(2);
    // The second table fails; the record names both outcomes.
    StoresTable failing = new StoresTable();
    failing.down.set(true);
    EnrichProcessor p = Fixtures.processor(c, metrics, s -> s.name.equals("stores") ? t : failing);
    processors.add(p);
    LogsBatch b =
        Fixtures.batch(
            Attributes.of(
                "store_id",
                "s1",
                "region",
                "eu-central",
                EnrichProcessor.SOURCES,
                new ArrayList<>(List.of("earlier")),
                EnrichProcessor.ERRORS,
                "old: problem"));
    p.process(b);
    Attributes attrs = only(b).attributes();
    assertThat(attrs.get(EnrichProcessor.SOURCES)).isEqualTo(List.of("earlier", "stores"));
    assertThat(attrs.get(EnrichProcessor.ERRORS))
        .isEqualTo(List.of("old: problem", "regions: connection refused"));
  }

  @Test
  void creationFailuresNameTheLookupAndCloseWhatWasOpened() {
    StoresTable first = new StoresTable();
    StoresTable second = new StoresTable();
    second.startFailure = "malformed CSV at line 3";
    EnrichProcessorConfig.LookupSettings a = stores();
    EnrichProcessorConfig.LookupSettings b = stores();
    b.name = "other";
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.lookup = List.of(a, b);
    assertThatThrownBy(
            () -> Fixtures.processor(c, metrics, s -> s.name.equals("stores") ? first : second))
        .hasMessage("source 'other' (test table stores) cannot start: malformed CSV at line 3");
    assertThat(first.closed).isTrue();
    assertThat(second.closed).isTrue();

    assertThatThrownBy(
            () ->
                Fixtures.processor(
                    c,
                    metrics,
                    s -> {
                      throw new UnsupportedOperationException(
                          "csv lookup tables are not built yet");
                    }))
        .hasMessage("lookup[0] (stores): csv lookup tables are not built yet");
  }

  @Test
  void shutdownClosesTheTables() {
    StoresTable t = new StoresTable();
    EnrichProcessor p = start(stores(), t);
    p.shutdown(Instant.now().plusSeconds(1));
    assertThat(t.closed).isTrue();
  }

  @Test
  void recordsAreNeverLost() {
    StoresTable t = new StoresTable();
    t.down.set(true);
    EnrichProcessor p = start(stores(), t);
    String[] keys = new String[500];
    for (int i = 0; i < keys.length; i++) keys[i] = "s" + (i % 7);
    LogsBatch b = batchWith("store_id", keys);
    LogsBatch result = (LogsBatch) p.process(b);
    assertThat(result.recordCount()).isEqualTo(500);
    for (LogRecord r : records(result))
      assertThat(r.attributes().contains(EnrichProcessor.ERRORS)).isTrue();
    assertThat(metrics.counterSum(io.stacklens.agent.api.ComponentContext.PROCESSOR_DROPPED))
        .isZero();
  }
}
