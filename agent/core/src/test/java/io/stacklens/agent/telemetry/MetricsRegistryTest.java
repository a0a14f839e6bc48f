package io.stacklens.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.stacklens.agent.testing.PrometheusExposition;
import io.stacklens.agent.testing.Promtool;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The registry keeps /metrics valid Prometheus text: one type and help per name, promtool's naming
 * rules.
 */
class MetricsRegistryTest {
  private final MetricsRegistry registry = new MetricsRegistry();

  @Test
  void aSecondRegistrationWithAnotherHelpTextIsRefusedNamingBoth() {
    registry.counter(
        "stacklens_pipeline_dropped_records_total",
        "Records a pipeline could not hand to an exporter",
        "pipeline",
        "a",
        "reason",
        "shutdown_timeout");
    assertThatThrownBy(
            () ->
                registry.counter(
                    "stacklens_pipeline_dropped_records_total",
                    "Records a pipeline could not take",
                    "pipeline",
                    "a",
                    "reason",
                    "fanout_ring_full"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stacklens_pipeline_dropped_records_total")
        .hasMessageContaining("'Records a pipeline could not hand to an exporter'")
        .hasMessageContaining("'Records a pipeline could not take'");
  }

  @Test
  void theSameHelpTextRegistersAgainAndReturnsTheSameSeries() {
    Counter first = registry.counter("stacklens_test_things_total", "Things", "kind", "a");
    Counter again =
        registry.counter("stacklens_test_things_total", new String("Things"), "kind", "a");
    assertThat(again).isSameAs(first);
    assertThat(registry.counter("stacklens_test_things_total", "Things", "kind", "b"))
        .isNotSameAs(first);
  }

  @Test
  void aNameHasOneType() {
    registry.gauge("stacklens_test_size", "Size", () -> 1);
    assertThatThrownBy(() -> registry.histogram("stacklens_test_size", "Size"))
        .hasMessageContaining("already registered as a gauge, not a histogram");
  }

  @Test
  void countersAndOnlyCountersEndWithTotal() {
    assertThatThrownBy(() -> registry.counter("stacklens_test_things", "Things"))
        .hasMessageContaining("is a counter: its name must end with _total");
    assertThatThrownBy(
            () -> registry.gauge("stacklens_jvm_gc_collections_total", "GC runs", () -> 1))
        .hasMessageContaining("is a gauge: only counters end with _total");
    assertThatThrownBy(
            () -> registry.histogram("stacklens_test_duration_seconds_total", "Durations"))
        .hasMessageContaining("only counters end with _total");
  }

  @Test
  void namesFollowPromtoolsRules() {
    assertThatThrownBy(() -> registry.gauge("stacklens:test", "x", () -> 1))
        .hasMessageContaining("not a valid metric name");
    assertThatThrownBy(() -> registry.gauge("9lives", "x", () -> 1))
        .hasMessageContaining("not a valid metric name");
    assertThatThrownBy(() -> registry.gauge("stacklens_test_Size", "x", () -> 1))
        .hasMessageContaining("snake_case");
    assertThatThrownBy(() -> registry.gauge("stacklens_test_size", " ", () -> 1))
        .hasMessageContaining("needs a help text");
    assertThatThrownBy(() -> registry.gauge("stacklens_test_latency_milliseconds", "x", () -> 1))
        .hasMessageContaining("use the base unit seconds");
    assertThatThrownBy(() -> registry.gauge("stacklens_test_requests_count", "x", () -> 1))
        .hasMessageContaining("_bucket, _count and _sum are the suffixes of histogram series");
    assertThatThrownBy(() -> registry.gauge("stacklens_test_queue_gauge", "x", () -> 1))
        .hasMessageContaining("must not name its type");
  }

  @Test
  void labelNamesAreCheckedWhenASeriesIsFirstRegistered() {
    assertThatThrownBy(
            () -> registry.counter("stacklens_test_things_total", "Things", "bad-name", "x"))
        .hasMessageContaining("label 'bad-name' is not a valid label name");
    assertThatThrownBy(
            () -> registry.counter("stacklens_test_things_total", "Things", "__name__", "x"))
        .hasMessageContaining("is reserved");
    assertThatThrownBy(
            () -> registry.histogram("stacklens_test_duration_seconds", "Durations", "le", "1"))
        .hasMessageContaining("label 'le' is the histogram's bucket label");
    assertThatThrownBy(
            () -> registry.gauge("stacklens_test_size", "Size", () -> 1, "k", "a", "k", "b"))
        .hasMessageContaining("label 'k' is given twice");
  }

  @Test
  void aCounterFunctionIsExposedAsACounterAndSummedLikeOne() {
    AtomicLong runs = new AtomicLong(7);
    registry.counterFunction("stacklens_test_runs_total", "Runs", runs::get, "gc", "young");
    runs.set(9);
    assertThat(registry.toPrometheusText())
        .contains("# TYPE stacklens_test_runs_total counter\n")
        .contains("stacklens_test_runs_total{gc=\"young\"} 9\n");
    assertThat(registry.counterValue("stacklens_test_runs_total", "gc", "young")).isEqualTo(9);
    assertThat(registry.counterSum("stacklens_test_runs_total")).isEqualTo(9);
    assertThat(registry.snapshot().get("stacklens_test_runs_total").get(0))
        .containsEntry("value", 9.0);
    assertThatThrownBy(() -> registry.counter("stacklens_test_runs_total", "Runs", "gc", "young"))
        .hasMessageContaining("already registered as a counter function");
  }

  @Test
  void jvmMetricsAreValidExpositionWithTheGcCountsTypedAsCounters() throws Exception {
    JvmMetrics.register(registry);
    registry
        .histogram("stacklens_test_duration_seconds", "Durations", "receiver", "otlp")
        .recordNanos(2_000_000L);
    registry
        .counter(
            "stacklens_test_things_total",
            "Things with \"quotes\", a \\ and a\nnewline",
            "v",
            "a\"b\\c\nd")
        .inc();
    String text = registry.toPrometheusText();
    assertThat(text)
        .contains("# TYPE stacklens_jvm_gc_collections_total counter\n")
        .contains("# TYPE stacklens_jvm_gc_time_seconds_total counter\n");
    assertThat(PrometheusExposition.problems(text)).as("problems in:\n%s", text).isEmpty();
    Optional<Path> promtool = Promtool.find();
    assumeThat(promtool).as(Promtool.MISSING).isPresent();
    Promtool.Result r = Promtool.checkMetrics(promtool.get(), text);
    assertThat(r.exitCode()).as("promtool check metrics:\n%s\non:\n%s", r.output(), text).isZero();
  }

  @Test
  void theExpositionCheckFindsTheDefectsPromtoolReports() {
    String gaugeWithTotal =
        """
        # HELP stacklens_jvm_gc_collections_total GC runs per collector
        # TYPE stacklens_jvm_gc_collections_total gauge
        stacklens_jvm_gc_collections_total{gc="G1 Young Generation"} 3
        """;
    assertThat(PrometheusExposition.problems(gaugeWithTotal))
        .containsExactly("3: stacklens_jvm_gc_collections_total ends with _total but is a gauge");
    String twoHelps =
        """
        # HELP stacklens_pipeline_dropped_records_total Records a pipeline could not take
        # HELP stacklens_pipeline_dropped_records_total Records a pipeline could not hand to an exporter
        # TYPE stacklens_pipeline_dropped_records_total counter
        stacklens_pipeline_dropped_records_total{pipeline="logs"} 0
        """;
    assertThat(PrometheusExposition.problems(twoHelps))
        .containsExactly("2: second HELP line for stacklens_pipeline_dropped_records_total");
    String counterWithoutTotal =
        """
        # HELP stacklens_things Things
        # TYPE stacklens_things counter
        stacklens_things 1
        stacklens_things 2
        """;
    assertThat(PrometheusExposition.problems(counterWithoutTotal))
        .containsExactly(
            "4: series stacklens_things{} given twice",
            "3: counter stacklens_things does not end with _total");
    assertThat(PrometheusExposition.problems("stacklens_x{a=\"1\" 2\n")).isNotEmpty();
    assertThatCode(() -> PrometheusExposition.problems("")).doesNotThrowAnyException();
  }
}
