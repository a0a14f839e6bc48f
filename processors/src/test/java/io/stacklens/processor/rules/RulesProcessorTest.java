package io.stacklens.processor.rules;

import static io.stacklens.processor.route.Harness.printed;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.route.Harness;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesProcessorTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final Harness harness = new Harness();

  /** The users' point-of-sale rule set, as in config-examples/processor-rules.yaml. */
  private static final String POS_RULES =
      """
      rules:
        - name: price-missing
          when: error_code == "PRICE_MISSING"
          issue_code: PRICE_MISSING
          severity: critical
          suggested_fix: Check product pricing configuration
          confidence: 0.95
        - name: database
          when: error_code starts_with "DATABASE_"
          issue_code: DATABASE_ERROR
          severity: warning
          suggested_fix: Verify database connection
          confidence: 0.8
        - name: timeout
          when: error_code == "TIMEOUT"
          issue_code: TIMEOUT
          severity: info
          suggested_fix: Monitor system performance
          confidence: 0.6
        - name: invalid-order
          when: error_code == "INVALID_ORDER"
          issue_code: INVALID_ORDER
          severity: critical
          suggested_fix: Validate order structure
          confidence: 0.9
      """;

  private static String yaml(String processorYaml) {
    return """
        receivers: { feed: }
        processors:
          rules:
        %s
        exporters: { rec: }
        service:
          pipelines:
            logs: { receivers: [feed], processors: [rules], exporters: [rec] }
        """
        .formatted(processorYaml.stripIndent().indent(4).stripTrailing());
  }

  private RulesProcessor processor(String processorYaml) throws Exception {
    LoadResult result = harness.load(yaml(processorYaml));
    assertThat(printed(result)).isEmpty();
    RulesProcessorConfig config =
        (RulesProcessorConfig)
            result.config().orElseThrow().processors().get(ComponentId.of("rules"));
    return (RulesProcessor)
        new RulesProcessorFactory()
            .createProcessor(
                ComponentContext.ofProcessor(ComponentId.of("rules"), "logs", metrics),
                config,
                Signal.LOGS);
  }

  private static LogRecord rec(String errorCode) {
    LogRecord r = new LogRecord().setBody("event");
    if (errorCode != null) r.attributes().put("error_code", errorCode);
    return r;
  }

  private static LogsBatch batch(LogRecord... records) {
    ResourceLogs rl = new ResourceLogs();
    ScopeLogs sl = new ScopeLogs();
    rl.scopeLogs().add(sl);
    sl.logRecords().addAll(List.of(records));
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  private long matches(String issueCode) {
    return metrics.counterValue(
        RulesProcessor.MATCHES, "processor", "rules", "pipeline", "logs", "issue_code", issueCode);
  }

  @Test
  void thePointOfSaleRulesTagEachErrorWithTheFirstMatchingAlert() throws Exception {
    RulesProcessor p = processor(POS_RULES);
    LogRecord price = rec("PRICE_MISSING");
    LogRecord db = rec("DATABASE_TIMEOUT");
    LogRecord db2 = rec("DATABASE_LOCKED");
    LogRecord timeout = rec("TIMEOUT");
    LogRecord order = rec("INVALID_ORDER");
    LogRecord other = rec("SOMETHING_ELSE");
    LogRecord none = rec(null);
    LogsBatch b = batch(price, db, db2, timeout, order, other, none);

    assertThat(p.process(b)).isSameAs(b);

    assertThat(alert(price))
        .containsExactly("PRICE_MISSING", "critical", "Check product pricing configuration", 0.95);
    assertThat(alert(db))
        .containsExactly("DATABASE_ERROR", "warning", "Verify database connection", 0.8);
    assertThat(alert(db2))
        .containsExactly("DATABASE_ERROR", "warning", "Verify database connection", 0.8);
    assertThat(alert(timeout))
        .containsExactly("TIMEOUT", "info", "Monitor system performance", 0.6);
    assertThat(alert(order))
        .containsExactly("INVALID_ORDER", "critical", "Validate order structure", 0.9);
    assertThat(other.attributes()).isEqualTo(Attributes.of("error_code", "SOMETHING_ELSE"));
    assertThat(none.attributes().isEmpty()).isTrue();
    assertThat(b.recordCount()).isEqualTo(7);
    assertThat(matches("PRICE_MISSING")).isEqualTo(1);
    assertThat(matches("DATABASE_ERROR")).isEqualTo(2);
    assertThat(matches("TIMEOUT")).isEqualTo(1);
    assertThat(matches("INVALID_ORDER")).isEqualTo(1);
  }

  private static List<Object> alert(LogRecord r) {
    Attributes a = r.attributes();
    return java.util.Arrays.asList(
        a.get("alert.issue_code"),
        a.get("alert.severity"),
        a.get("alert.suggested_fix"),
        a.get("alert.confidence"));
  }

  private static final String OVERLAPPING =
      """
      %s
      rules:
        - when: error_code starts_with "DATABASE_"
          issue_code: DATABASE_ERROR
          severity: warning
          suggested_fix: Verify database connection
        - when: error_code ends_with "_TIMEOUT"
          issue_code: TIMEOUT
          severity: info
          confidence: 0.5
        - when: error_code == "NEVER"
          issue_code: NEVER
          severity: critical
      """;

  @Test
  void firstMatchStopsAtTheFirstRuleInOrder() throws Exception {
    RulesProcessor p = processor(OVERLAPPING.formatted("match: first"));
    LogRecord both = rec("DATABASE_TIMEOUT");
    LogRecord timeoutOnly = rec("HTTP_TIMEOUT");
    p.process(batch(both, timeoutOnly));
    assertThat(alert(both))
        .containsExactly("DATABASE_ERROR", "warning", "Verify database connection", 1.0);
    // no suggested_fix written: an empty string, confidence defaults to 1.0
    assertThat(alert(timeoutOnly)).containsExactly("TIMEOUT", "info", "", 0.5);
    assertThat(matches("DATABASE_ERROR")).isEqualTo(1);
    assertThat(matches("TIMEOUT")).isEqualTo(1);
  }

  @Test
  void matchAllWritesOneArrayEntryPerMatchingRuleInRuleOrder() throws Exception {
    RulesProcessor p = processor(OVERLAPPING.formatted("match: all"));
    LogRecord both = rec("DATABASE_TIMEOUT");
    LogRecord timeoutOnly = rec("HTTP_TIMEOUT");
    LogRecord neither = rec("OK");
    p.process(batch(both, timeoutOnly, neither));
    assertThat(alert(both))
        .containsExactly(
            List.of("DATABASE_ERROR", "TIMEOUT"),
            List.of("warning", "info"),
            List.of("Verify database connection", ""),
            List.of(1.0, 0.5));
    assertThat(alert(timeoutOnly))
        .containsExactly(List.of("TIMEOUT"), List.of("info"), List.of(""), List.of(0.5));
    assertThat(neither.attributes().contains("alert.issue_code")).isFalse();
    assertThat(matches("DATABASE_ERROR")).isEqualTo(1);
    assertThat(matches("TIMEOUT")).isEqualTo(2);
    assertThat(matches("NEVER")).isZero();
  }

  @Test
  void aRuleCanReadAnyFieldNotOnlyErrorCode() throws Exception {
    RulesProcessor p =
        processor(
            """
        rules:
          - when: severity_number >= 17 and resource.attributes["service.name"] == "till"
            issue_code: TILL_ERROR
            severity: critical
        """);
    LogRecord err = rec(null).setSeverityNumber(17);
    LogsBatch b = batch(err);
    b.resourceLogs().get(0).resource().attributes().put("service.name", "till");
    p.process(b);
    assertThat(err.attributes().get("alert.issue_code")).isEqualTo("TILL_ERROR");
  }

  @Test
  void anEarlierAlertOnTheRecordIsReplaced() throws Exception {
    RulesProcessor p = processor(OVERLAPPING.formatted(""));
    LogRecord r = rec("DATABASE_X");
    r.attributes().put("alert.issue_code", "OLD");
    p.process(batch(r));
    assertThat(r.attributes().get("alert.issue_code")).isEqualTo("DATABASE_ERROR");
    assertThat(r.attributes().size()).isEqualTo(5);
  }

  // ---- config errors

  @Test
  void noRulesIsAnError() {
    assertThat(printed(harness.load(yaml("match: all"))))
        .containsExactly(
            "agent.yaml:3:3: processors.rules.rules: at least one rule is required, e.g. - { when: 'error_code == \"TIMEOUT\"', "
                + "issue_code: TIMEOUT, severity: info }");
  }

  @Test
  void ruleNamesMustBeUnique() {
    assertThat(
            printed(
                harness.load(
                    yaml(
                        """
        rules:
          - { name: db, when: error_code == "A", issue_code: A, severity: info }
          - { name: db, when: error_code == "B", issue_code: B, severity: info }
        """))))
        .containsExactly(
            "agent.yaml:6:11: processors.rules.rules[1].name: 'db' is already the name of rules[0]; rule names must be unique");
  }

  @Test
  void everyRuleProblemIsReportedAtItsPath() {
    LoadResult result =
        harness.load(
            yaml(
                """
        rules:
          - issue_code: A
            severity: info
          - when: error_code ==
            issue_code: ""
          - when: error_code == "B"
            issue_code: B
            confidence: 1.5
          - when: error_code == "C"
            issue_code: C
            severity: fatal
        """));
    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:5:9: processors.rules.rules[0].when: a condition is required",
            "agent.yaml:7:9: processors.rules.rules[1].when: expected a value after '==' at column 14 of 'error_code =='",
            "agent.yaml:7:9: processors.rules.rules[1].severity: a severity is required: critical, warning or info",
            "agent.yaml:8:9: processors.rules.rules[1].issue_code: an issue code is required (written to alert.issue_code), "
                + "e.g. PRICE_MISSING",
            "agent.yaml:9:9: processors.rules.rules[2].severity: a severity is required: critical, warning or info",
            "agent.yaml:11:9: processors.rules.rules[2].confidence: must be between 0 and 1, got 1.5",
            // a value that cannot be bound is reported once, not again as missing
            "agent.yaml:14:19: processors.rules.rules[3].severity: unknown value 'fatal' (allowed values: critical, warning, info)");
    assertThat(result.config()).isEmpty();
  }
}
