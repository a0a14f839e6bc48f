package io.stacklens.processor.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FilterProcessorTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final FilterProcessorFactory factory = new FilterProcessorFactory();

  private FilterProcessor processor(String settings) {
    return processor(settings, 7);
  }

  private FilterProcessor processor(String settings, long randomSeed) {
    FilterProcessorConfig c = ProcessorConfigs.config(factory, "filter", settings);
    return new FilterProcessor(
        ProcessorConfigs.context("filter", metrics),
        c,
        clock::get,
        new SplittableRandom(randomSeed)::nextLong);
  }

  private long dropped(String reason) {
    return metrics.counterSum(
        ComponentContext.PROCESSOR_DROPPED,
        "processor",
        "filter",
        "pipeline",
        "logs",
        "reason",
        reason);
  }

  /** One resource, one scope, one record per attribute map. */
  private static LogsBatch batch(Attributes... records) {
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "svc");
    ScopeLogs sl = new ScopeLogs();
    rl.scopeLogs().add(sl);
    for (Attributes a : records) sl.logRecords().add(new LogRecord(a).setBody("b"));
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  private static LogsBatch keyed(String attribute, List<String> values) {
    Attributes[] as = new Attributes[values.size()];
    for (int i = 0; i < as.length; i++) {
      as[i] =
          values.get(i) == null
              ? Attributes.of("n", (long) i)
              : Attributes.of(attribute, values.get(i), "n", (long) i);
    }
    return batch(as);
  }

  private static List<Long> numbers(LogsBatch b) {
    List<Long> out = new ArrayList<>();
    b.forEachRecord(r -> out.add((Long) r.attributes().get("n")));
    return out;
  }

  private static List<LogRecord> records(LogsBatch b) {
    List<LogRecord> out = new ArrayList<>();
    b.forEachRecord((java.util.function.Consumer<LogRecord>) out::add);
    return out;
  }

  @Test
  void includeKeepsOnlyMatchingRecords() {
    FilterProcessor p = processor("include: 'attributes[\"level\"] == \"error\"'\n");
    LogsBatch b =
        batch(
            Attributes.of("level", "error", "n", 0L),
            Attributes.of("level", "info", "n", 1L),
            Attributes.of("n", 2L));
    p.process(b);
    assertThat(numbers(b)).containsExactly(0L);
    assertThat(dropped("not_included")).isEqualTo(2);
    assertThat(dropped("excluded")).isZero();
  }

  @Test
  void includeListKeepsWhatAnyConditionMatches() {
    FilterProcessor p =
        processor("include: ['attributes[\"a\"] exists', 'attributes[\"b\"] exists']\n");
    LogsBatch b =
        batch(
            Attributes.of("a", 1L, "n", 0L),
            Attributes.of("b", 1L, "n", 1L),
            Attributes.of("c", 1L, "n", 2L));
    p.process(b);
    assertThat(numbers(b)).containsExactly(0L, 1L);
    assertThat(dropped("not_included")).isEqualTo(1);
  }

  @Test
  void excludeListDropsWhatAnyConditionMatches() {
    FilterProcessor p =
        processor("exclude: ['attributes[\"a\"] exists', 'attributes[\"b\"] == 2']\n");
    LogsBatch b =
        batch(
            Attributes.of("a", 1L, "n", 0L),
            Attributes.of("b", 1L, "n", 1L),
            Attributes.of("b", 2L, "n", 2L));
    p.process(b);
    assertThat(numbers(b)).containsExactly(1L);
    assertThat(dropped("excluded")).isEqualTo(2);
  }

  @Test
  void includeRunsBeforeExcludeAndEachDropIsCountedOnce() {
    FilterProcessor p =
        processor("include: 'attributes[\"a\"] exists'\nexclude: 'attributes[\"b\"] exists'\n");
    LogsBatch b =
        batch(
            Attributes.of("b", 1L, "n", 0L),
            Attributes.of("a", 1L, "b", 1L, "n", 1L),
            Attributes.of("a", 1L, "n", 2L));
    p.process(b);
    assertThat(numbers(b)).containsExactly(2L);
    assertThat(dropped("not_included"))
        .as("record 0 fails include; exclude is not asked")
        .isEqualTo(1);
    assertThat(dropped("excluded")).isEqualTo(1);
    assertThat(metrics.counterSum(ComponentContext.PROCESSOR_DROPPED)).isEqualTo(2);
  }

  @Test
  void scopesAndResourcesLeftEmptyAreRemoved() {
    FilterProcessor p = processor("exclude: 'attributes[\"drop\"] exists'\n");
    LogsBatch b = batch(Attributes.of("drop", true), Attributes.of("drop", true));
    LogsBatch second = batch(Attributes.of("n", 5L));
    b.resourceLogs().addAll(second.resourceLogs());
    p.process(b);
    assertThat(b.resourceLogs()).hasSize(1);
    assertThat(numbers(b)).containsExactly(5L);
    LogsBatch all = batch(Attributes.of("drop", true));
    assertThat(p.process(all).recordCount()).isZero();
    assertThat(all.resourceLogs()).isEmpty();
    assertThat(dropped("excluded")).isEqualTo(3);
  }

  @Test
  void sampleByFieldIsConsistentPerKeyAndNearTheRatio() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) keys.add("user-" + i);
    FilterProcessor p = processor("sample: { percentage: 10, by: user_id }\n");
    LogsBatch b = keyed("user_id", keys);
    p.process(b);
    Set<Long> kept = new HashSet<>(numbers(b));
    // Binomial(20000, 0.1): sd = 42.4; 6 sd either side.
    assertThat(kept.size()).isBetween(2000 - 255, 2000 + 255);
    assertThat(dropped("sampled_out")).isEqualTo(20_000 - kept.size());

    // The same keys in another order, in a second instance: exactly the same keys are kept.
    List<String> reversed = new ArrayList<>(keys);
    java.util.Collections.reverse(reversed);
    FilterProcessor other = processor("sample: { percentage: 10, by: user_id }\n", 99);
    LogsBatch again = keyed("user_id", reversed);
    other.process(again);
    Set<String> keptKeys = new HashSet<>();
    b.forEachRecord(r -> keptKeys.add((String) r.attributes().get("user_id")));
    Set<String> keptAgain = new HashSet<>();
    again.forEachRecord(r -> keptAgain.add((String) r.attributes().get("user_id")));
    assertThat(keptAgain).isEqualTo(keptKeys);
  }

  @Test
  void everyRecordOfAKeyFollowsTheKey() {
    List<String> keys = new ArrayList<>();
    for (int rep = 0; rep < 5; rep++) {
      for (int i = 0; i < 1000; i++) keys.add("k" + i);
    }
    FilterProcessor p = processor("sample: { percentage: 30, by: 'attributes[\"k\"]' }\n");
    LogsBatch b = keyed("k", keys);
    p.process(b);
    java.util.Map<String, Integer> perKey = new java.util.HashMap<>();
    b.forEachRecord(r -> perKey.merge((String) r.attributes().get("k"), 1, Integer::sum));
    assertThat(perKey.values()).as("a kept key keeps all 5 of its records").containsOnly(5);
    assertThat(perKey.size()).isBetween(300 - 90, 300 + 90);
  }

  @Test
  void seedChangesWhichKeysAreKept() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) keys.add("key-" + i);
    Set<String> a = keptKeys(processor("sample: { percentage: 50, by: k, seed: 1 }\n"), keys);
    Set<String> b = keptKeys(processor("sample: { percentage: 50, by: k, seed: 2 }\n"), keys);
    Set<String> both = new HashSet<>(a);
    both.retainAll(b);
    // Independent halves overlap on about a quarter of the keys (sd 43).
    assertThat(both.size()).isBetween(2500 - 260, 2500 + 260);
    assertThat(keptKeys(processor("sample: { percentage: 50, by: k, seed: 1 }\n"), keys))
        .isEqualTo(a);
  }

  private static Set<String> keptKeys(FilterProcessor p, List<String> keys) {
    LogsBatch b = keyed("k", keys);
    p.process(b);
    Set<String> out = new HashSet<>();
    b.forEachRecord(r -> out.add((String) r.attributes().get("k")));
    return out;
  }

  @Test
  void sampleByTraceIdKeepsWholeTraces() {
    SplittableRandom rnd = new SplittableRandom(3);
    List<byte[]> traces = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      byte[] id = new byte[16];
      for (int j = 0; j < 16; j++) id[j] = (byte) rnd.nextInt(256);
      traces.add(id);
    }
    FilterProcessor p = processor("sample: { percentage: 25 }\n");
    LogsBatch b = batch();
    ScopeLogs sl = b.resourceLogs().get(0).scopeLogs().get(0);
    for (byte[] id : traces) {
      for (int k = 0; k < 3; k++) sl.logRecords().add(new LogRecord().setTraceId(id));
    }
    p.process(b);
    java.util.Map<String, Integer> perTrace = new java.util.HashMap<>();
    b.forEachRecord(
        r -> perTrace.merge(java.util.HexFormat.of().formatHex(r.traceId()), 1, Integer::sum));
    assertThat(perTrace.values()).containsOnly(3);
    // Binomial(4000, 0.25): sd 27.4.
    assertThat(perTrace.size()).isBetween(1000 - 165, 1000 + 165);
    assertThat(dropped("sampled_out")).isEqualTo(3L * (4000 - perTrace.size()));
  }

  @Test
  void randomSamplingHitsTheRatioButIgnoresKeys() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) keys.add(i % 2 == 0 ? "same" : "other");
    FilterProcessor p = processor("sample: { percentage: 20, by: random }\n");
    LogsBatch b = keyed("k", keys);
    p.process(b);
    int kept = b.recordCount();
    assertThat(kept).isBetween(4000 - 340, 4000 + 340); // sd 56.6
    Set<Object> keptKeys = new HashSet<>();
    b.forEachRecord(r -> keptKeys.add(r.attributes().get("k")));
    assertThat(keptKeys).containsExactlyInAnyOrder("same", "other");
    long sameKept = records(b).stream().filter(r -> "same".equals(r.attributes().get("k"))).count();
    assertThat(sameKept).as("one key, some records kept and some dropped").isBetween(1L, 9_999L);
  }

  @Test
  void percentageZeroDropsAllAndHundredKeepsAll() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1000; i++) keys.add(i % 3 == 0 ? null : "v" + i);
    LogsBatch none = keyed("k", keys);
    processor("sample: { percentage: 0, by: k }\n").process(none);
    assertThat(none.recordCount()).isZero();
    LogsBatch all = keyed("k", keys);
    processor("sample: { percentage: 100, by: k }\n").process(all);
    assertThat(all.recordCount()).isEqualTo(1000);
  }

  @Test
  void fallbackDecidesForRecordsWithoutTheKey() {
    List<String> noKeys = new ArrayList<>();
    for (int i = 0; i < 2000; i++) noKeys.add(null);
    LogsBatch keep = keyed("k", noKeys);
    processor("sample: { percentage: 1, by: k, fallback: keep }\n").process(keep);
    assertThat(keep.recordCount()).isEqualTo(2000);
    LogsBatch drop = keyed("k", noKeys);
    processor("sample: { percentage: 99, by: k, fallback: drop }\n").process(drop);
    assertThat(drop.recordCount()).isZero();
    LogsBatch random = keyed("k", noKeys);
    processor("sample: { percentage: 50, by: k, fallback: random }\n").process(random);
    assertThat(random.recordCount()).isBetween(1000 - 140, 1000 + 140); // sd 22.4
    LogsBatch noTrace = keyed("k", noKeys);
    processor("sample: { percentage: 50, fallback: drop }\n").process(noTrace);
    assertThat(noTrace.recordCount()).as("by trace_id, records have no trace id").isZero();
  }

  @Test
  void nonStringKeysAreHashedByTheirText() {
    FilterProcessorConfig c =
        ProcessorConfigs.config(factory, "filter", "sample: { percentage: 50, by: k }\n");
    Sampler s = new Sampler(c.sample, () -> 0L);
    assertThat(s.hashValue(42L)).isEqualTo(s.hashValue("42"));
    assertThat(s.hashValue(true)).isEqualTo(s.hashValue("true"));
    assertThat(s.hashValue(new byte[] {1, 2})).isNotEqualTo(s.hashValue("0x0102"));
  }

  @Test
  void throttleGlobalBucketRefillsWithTheClock() {
    FilterProcessor p = processor("throttle: { rate: 10, burst: 5 }\n");
    LogsBatch b = keyed("k", java.util.Collections.nCopies(20, null));
    p.process(b);
    assertThat(b.recordCount()).as("a full bucket lets the burst through").isEqualTo(5);
    assertThat(dropped("throttled")).isEqualTo(15);

    clock.addAndGet(500_000_000L); // 0.5 s at 10/s: 5 tokens
    LogsBatch b2 = keyed("k", java.util.Collections.nCopies(20, null));
    p.process(b2);
    assertThat(b2.recordCount()).isEqualTo(5);

    clock.addAndGet(250_000_000L); // 2.5 tokens
    LogsBatch b3 = keyed("k", java.util.Collections.nCopies(20, null));
    p.process(b3);
    assertThat(b3.recordCount()).isEqualTo(2);
    clock.addAndGet(50_000_000L); // 0.5 left + 0.5 = 1
    LogsBatch b4 = keyed("k", java.util.Collections.nCopies(20, null));
    p.process(b4);
    assertThat(b4.recordCount()).as("fractions of tokens carry over").isEqualTo(1);

    clock.addAndGet(60_000_000_000L); // a minute: capped at the burst
    LogsBatch b5 = keyed("k", java.util.Collections.nCopies(20, null));
    p.process(b5);
    assertThat(b5.recordCount()).isEqualTo(5);
    assertThat(dropped("throttled")).isEqualTo(15 + 15 + 18 + 19 + 15);
  }

  @Test
  void throttleSlowRate() {
    FilterProcessor p = processor("throttle: { rate: 0.5 }\n");
    int passed = 0;
    for (int second = 0; second < 10; second++) {
      LogsBatch b = keyed("k", java.util.Collections.nCopies(3, null));
      p.process(b);
      passed += b.recordCount();
      clock.addAndGet(1_000_000_000L);
    }
    assertThat(passed).as("1 at once, then one every 2 s").isEqualTo(5);
  }

  @Test
  void throttlePerKeyAndRecordsWithoutTheKeyShareABucket() {
    FilterProcessor p = processor("throttle: { rate: 1, burst: 2, key: tenant }\n");
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tenants.add("a");
      tenants.add("b");
      tenants.add(null);
    }
    LogsBatch b = keyed("tenant", tenants);
    p.process(b);
    java.util.Map<Object, Integer> perKey = new java.util.HashMap<>();
    b.forEachRecord(
        r -> perKey.merge(String.valueOf(r.attributes().get("tenant")), 1, Integer::sum));
    assertThat(perKey)
        .containsEntry("a", 2)
        .containsEntry("b", 2)
        .containsEntry("null", 2)
        .hasSize(3);
    assertThat(dropped("throttled")).isEqualTo(9);
  }

  @Test
  void throttleForgetsTheLeastRecentlyUsedKeyBeyondMaxKeys() {
    FilterProcessor p = processor("throttle: { rate: 0.001, burst: 1, key: k, max_keys: 2 }\n");
    assertThat(keptKeys(p, List.of("a", "b", "a", "b")))
        .containsExactlyInAnyOrder("a", "b"); // both buckets empty now
    assertThat(keptKeys(p, List.of("a")))
        .as("a's bucket is still empty")
        .isEmpty(); // a is now most recent
    assertThat(keptKeys(p, List.of("c"))).containsExactly("c"); // evicts b (least recently used)
    assertThat(keptKeys(p, List.of("a"))).as("a was kept, and is empty").isEmpty();
    assertThat(keptKeys(p, List.of("b")))
        .as("b was forgotten and starts full again")
        .containsExactly("b");
  }

  @Test
  void stepsRunInOrderIncludeExcludeSampleThrottle() {
    FilterProcessor p =
        processor(
            """
        include: 'attributes["keep"] == true'
        exclude: 'attributes["noise"] exists'
        sample: { percentage: 100, by: random }
        throttle: { rate: 1, burst: 1 }
        """);
    LogsBatch b =
        batch(
            Attributes.of("n", 0L),
            Attributes.of("keep", true, "noise", 1L, "n", 1L),
            Attributes.of("keep", true, "n", 2L),
            Attributes.of("keep", true, "n", 3L));
    p.process(b);
    assertThat(numbers(b)).containsExactly(2L);
    assertThat(dropped("not_included")).isEqualTo(1);
    assertThat(dropped("excluded")).isEqualTo(1);
    assertThat(dropped("sampled_out")).isZero();
    assertThat(dropped("throttled")).isEqualTo(1);
  }

  @Test
  void countersCarryProcessorAndPipeline() throws Exception {
    FilterProcessorConfig c =
        ProcessorConfigs.config(factory, "filter/noise", "exclude: 'body == \"b\"'\n");
    FilterProcessor p =
        (FilterProcessor)
            factory.createProcessor(
                ComponentContext.ofProcessor(
                    io.stacklens.agent.api.ComponentId.parse("filter/noise"),
                    "logs/audit",
                    metrics),
                c,
                Signal.LOGS);
    p.process(batch(Attributes.of(), Attributes.of()));
    assertThat(
            metrics.counterValue(
                ComponentContext.PROCESSOR_DROPPED,
                "processor",
                "filter/noise",
                "pipeline",
                "logs/audit",
                "reason",
                "excluded"))
        .isEqualTo(2);
  }

  @SuppressWarnings("rawtypes") // Factory.class is the raw type of a generic interface
  @Test
  void factoryDescribesItself() {
    assertThat(factory.type()).isEqualTo("filter");
    assertThat(factory.signals()).containsExactly(Signal.LOGS);
    assertThat(factory.createDefaultConfig()).isNotNull();
    assertThat(factory.description()).isNotBlank();
    assertThat(
            java.util.ServiceLoader.load(io.stacklens.agent.api.Factory.class).stream()
                .map(p -> p.type())
                .map(Class::getName))
        .contains(FilterProcessorFactory.class.getName());
  }

  @Test
  void otherSignalsPassUntouched() {
    FilterProcessor p = processor("exclude: 'true'\n");
    io.stacklens.agent.data.TracesBatch traces = new io.stacklens.agent.data.TracesBatch(List.of());
    assertThat(p.process(traces)).isSameAs(traces);
  }

  @Test
  void hashOfTextIsTheHashOfItsUtf8Bytes() {
    long state = KeyHash.seeded(5);
    for (String s :
        List.of(
            "", "a", "user-42", "héllo", "日本語", "emoji \uD83D\uDE00 x", "lone \uD800 surrogate")) {
      assertThat(KeyHash.hashString(state, s))
          .as(s)
          .isEqualTo(KeyHash.hashBytes(state, s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    assertThat(KeyHash.hashString(KeyHash.seeded(5), "x"))
        .isNotEqualTo(KeyHash.hashString(KeyHash.seeded(6), "x"));
  }

  @Test
  void recordsStayInOrder() {
    FilterProcessor p = processor("exclude: 'attributes[\"n\"] in [1, 3]'\n");
    LogsBatch b =
        batch(
            Attributes.of("n", 0L),
            Attributes.of("n", 1L),
            Attributes.of("n", 2L),
            Attributes.of("n", 3L));
    p.process(b);
    assertThat(records(b)).extracting(r -> r.attributes().get("n")).containsExactly(0L, 2L);
  }
}
