package io.stacklens.processor.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.config.LoadResult;
import org.junit.jupiter.api.Test;

class FilterProcessorConfigTest {
  private final FilterProcessorFactory factory = new FilterProcessorFactory();

  private java.util.List<String> problems(String settings) {
    return ProcessorConfigs.problems(ProcessorConfigs.load(factory, "filter", settings));
  }

  @Test
  void bindsEveryOption() {
    FilterProcessorConfig c =
        ProcessorConfigs.config(
            factory,
            "filter/noise",
            """
        include: 'severity_number >= WARN'
        exclude: ['body contains "healthz"', 'attributes["k"] == 1']
        sample: { percentage: 12.5, by: user_id, fallback: drop, seed: 42 }
        throttle: { rate: 2.5, burst: 7, key: 'resource.attributes["service.name"]', max_keys: 50 }
        """);
    assertThat(c.include).isEqualTo("severity_number >= WARN");
    assertThat(c.exclude)
        .isEqualTo(java.util.List.of("body contains \"healthz\"", "attributes[\"k\"] == 1"));
    assertThat(c.sample.percentage).isEqualTo(12.5);
    assertThat(c.sample.by).isEqualTo("user_id");
    assertThat(c.sample.fallback).isEqualTo(FilterProcessorConfig.Fallback.DROP);
    assertThat(c.sample.seed).isEqualTo(42);
    assertThat(c.throttle.rate).isEqualTo(2.5);
    assertThat(c.throttle.effectiveBurst()).isEqualTo(7);
    assertThat(c.throttle.key).isEqualTo("resource.attributes[\"service.name\"]");
    assertThat(c.throttle.maxKeys).isEqualTo(50);
  }

  @Test
  void defaults() {
    FilterProcessorConfig c =
        ProcessorConfigs.config(
            factory, "filter", "sample: { percentage: 10 }\nthrottle: { rate: 2.5 }\n");
    assertThat(c.include).isNull();
    assertThat(c.exclude).isNull();
    assertThat(c.sample.by).isEqualTo("trace_id");
    assertThat(c.sample.fallback).isEqualTo(FilterProcessorConfig.Fallback.RANDOM);
    assertThat(c.sample.seed).isZero();
    assertThat(c.throttle.effectiveBurst()).as("ceil(rate)").isEqualTo(3);
    assertThat(c.throttle.key).isNull();
    assertThat(c.throttle.maxKeys).isEqualTo(10_000);
    FilterProcessorConfig slow =
        ProcessorConfigs.config(factory, "filter", "throttle: { rate: 0.1 }\n");
    assertThat(slow.throttle.effectiveBurst()).as("at least 1").isEqualTo(1);
  }

  @Test
  void nothingConfiguredIsAWarningOnly() {
    LoadResult r = ProcessorConfigs.load(factory, "filter", "");
    assertThat(r.hasErrors()).isFalse();
    assertThat(ProcessorConfigs.problems(r))
        .containsExactly(
            "warning: processors.filter: nothing to do: set include, exclude, sample or throttle (every record passes)");
  }

  @Test
  void includeAndExcludeShapes() {
    assertThat(problems("include: { a: 1 }\n"))
        .containsExactly(
            "processors.filter.include: expected a condition or a list of conditions, got a mapping");
    assertThat(problems("exclude: ['severity_number > 3', { a: 1 }]\n"))
        .containsExactly(
            "processors.filter.exclude[1]: expected a condition (text), got a mapping");
    assertThat(problems("exclude: []\n"))
        .containsExactly(
            "processors.filter.exclude: an empty list matches nothing; write one condition or a list of them, or leave exclude out");
  }

  @Test
  void conditionErrorsNameTheEntryAndColumn() {
    assertThat(problems("include: 'severity_number >= \"warn\"'\n"))
        .singleElement()
        .asString()
        .startsWith("processors.filter.include: ")
        .contains("column");
    assertThat(problems("exclude: ['body contains \"x\"', 'body ==']\n"))
        .singleElement()
        .asString()
        .startsWith("processors.filter.exclude[1]: ")
        .contains("column");
    assertThat(problems("exclude: ['body matches \"(\"']\n"))
        .singleElement()
        .asString()
        .startsWith("processors.filter.exclude[0]: ");
  }

  @Test
  void sampleProblems() {
    assertThat(problems("sample:\n"))
        .containsExactly(
            "processors.filter.sample.percentage: is required: the share of records to keep, from 0 to 100, e.g. 10");
    assertThat(problems("sample: { percentage: 150 }\n"))
        .containsExactly("processors.filter.sample.percentage: must be from 0 to 100, got 150.0");
    assertThat(problems("sample: { percentage: -1 }\n"))
        .containsExactly("processors.filter.sample.percentage: must be from 0 to 100, got -1.0");
    assertThat(problems("sample: { percentage: 5, by: 'attributes[\"x' }\n"))
        .singleElement()
        .asString()
        .startsWith("processors.filter.sample.by: unterminated string");
    assertThat(problems("sample: { percentage: 5, by: '' }\n"))
        .singleElement()
        .asString()
        .startsWith("processors.filter.sample.by: must be trace_id, random or a field path");
    assertThat(problems("sample: { percentage: 5, fallback: maybe }\n"))
        .singleElement()
        .asString()
        .startsWith("processors.filter.sample.fallback: unknown value 'maybe'");
  }

  @Test
  void throttleProblems() {
    assertThat(problems("throttle: { burst: 3 }\n"))
        .containsExactly(
            "processors.filter.throttle.rate: is required: records per second per key, e.g. 100");
    assertThat(problems("throttle: { rate: 0 }\n"))
        .containsExactly(
            "processors.filter.throttle.rate: must be a positive number of records per second, got 0.0");
    assertThat(problems("throttle: { rate: 5, burst: 0, max_keys: 0 }\n"))
        .containsExactly(
            "processors.filter.throttle.burst: must be at least 1 (records that may pass at once), got 0",
            "processors.filter.throttle.max_keys: must be at least 1, got 0");
    assertThat(problems("throttle: { rate: 5, key: 'resource.nope' }\n"))
        .singleElement()
        .asString()
        .startsWith("processors.filter.throttle.key: expected resource.attributes");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThat(
            problems(
                """
        include: 'body =='
        sample: { percentage: 101 }
        throttle: { rate: -2 }
        """))
        .hasSize(3);
  }
}
