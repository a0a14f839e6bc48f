package io.stacklens.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.processor.filter.ProcessorConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules processor's config: every option bound, every mistake reported at its path. */
class RulesProcessorConfigTest {
  private final RulesProcessorFactory factory = new RulesProcessorFactory();

  private List<String> problems(String settings) {
    return ProcessorConfigs.problems(ProcessorConfigs.load(factory, "rules", settings));
  }

  @Test
  void bindsEveryOption() {
    RulesProcessorConfig c =
        ProcessorConfigs.config(
            factory,
            "rules",
            """
        match: all
        rules:
          - name: price
            when: error_code == "PRICE_MISSING"
            issue_code: PRICE_MISSING
            severity: critical
            suggested_fix: Check product pricing
            confidence: 0.9
        """);
    assertThat(c.match).isEqualTo(RulesProcessorConfig.Match.ALL);
    RulesProcessorConfig.Rule r = c.rules.get(0);
    assertThat(r.name).isEqualTo("price");
    assertThat(r.when).isEqualTo("error_code == \"PRICE_MISSING\"");
    assertThat(r.issueCode).isEqualTo("PRICE_MISSING");
    assertThat(r.severity).isEqualTo(RulesProcessorConfig.Severity.CRITICAL);
    assertThat(r.suggestedFix).isEqualTo("Check product pricing");
    assertThat(r.confidence).isEqualTo(0.9);
  }

  @Test
  void defaultsAreFirstMatchFullConfidenceAndNoSuggestedFix() {
    RulesProcessorConfig c =
        ProcessorConfigs.config(
            factory,
            "rules",
            "rules: [ { when: 'error_code exists', issue_code: X, severity: info } ]");
    assertThat(c.match).isEqualTo(RulesProcessorConfig.Match.FIRST);
    assertThat(c.rules.get(0).confidence).isEqualTo(1.0);
    assertThat(c.rules.get(0).suggestedFix).isEmpty();
  }

  @Test
  void noRulesIsAnErrorWithAnExample() {
    assertThat(problems("match: first"))
        .singleElement()
        .asString()
        .startsWith("processors.rules.rules: at least one rule is required, e.g.");
  }

  @Test
  void eachMissingOrWrongFieldIsReportedAtItsRule() {
    assertThat(
            problems(
                """
        rules:
          - { name: a, when: 'error_code ==', issue_code: X, severity: info }
          - { name: a, when: 'error_code exists', severity: info, confidence: 2 }
          - { when: 'error_code exists', issue_code: Y }
        """))
        .anySatisfy(p -> assertThat(p).startsWith("processors.rules.rules[0].when:"))
        .contains(
            "processors.rules.rules[1].issue_code: an issue code is required (written to alert.issue_code), e.g. PRICE_MISSING",
            "processors.rules.rules[1].confidence: must be between 0 and 1, got 2.0",
            "processors.rules.rules[1].name: 'a' is already the name of rules[0]; rule names must be unique",
            "processors.rules.rules[2].severity: a severity is required: critical, warning or info");
  }

  @Test
  void anUnknownSeverityListsTheAllowedOnes() {
    assertThat(problems("rules: [ { when: 'error_code exists', issue_code: X, severity: high } ]"))
        .singleElement()
        .asString()
        .contains("unknown value 'high' (allowed values: critical, warning, info)");
  }
}
