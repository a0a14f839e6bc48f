package io.stacklens.processor.rules;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.expr.Conditions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Config of the {@code rules} processor.
 *
 * <pre>
 * match: first                              # first (default) or all
 * rules:
 *   - name: price-missing                   # optional
 *     when: error_code == "PRICE_MISSING"   # a condition (docs/conditions.md); required
 *     issue_code: PRICE_MISSING             # required
 *     severity: critical                    # critical, warning or info; required
 *     suggested_fix: Check product pricing configuration   # optional
 *     confidence: 0.9                       # 0..1; default 1.0
 * </pre>
 */
public final class RulesProcessorConfig implements ComponentConfig {
  /** Which matching rules annotate a record. */
  public enum Match {
    /** The first matching rule (in the order written): alert.* attributes are single values. */
    FIRST,
    /**
     * Every matching rule: each alert.* attribute is an array with one entry per matching rule, in
     * rule order.
     */
    ALL
  }

  /** How serious the issue a rule detects is; written lower-case into {@code alert.severity}. */
  public enum Severity {
    CRITICAL,
    WARNING,
    INFO;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One rule: records matching {@code when} get its alert. */
  public static final class Rule implements ComponentConfig {
    /** Optional, for people reading the config and for messages. */
    public String name;

    /** Condition selecting the records. Required. */
    public String when;

    /** Written to {@code alert.issue_code}; the label of the rule-matches metric. Required. */
    public String issueCode;

    /** Written to {@code alert.severity}. Required. */
    public Severity severity;

    /** Written to {@code alert.suggested_fix}. Optional. */
    public String suggestedFix = "";

    /** Written to {@code alert.confidence} (a double). 0..1, default 1.0. */
    public double confidence = 1.0;

    /** Checks this rule alone; that rule names are unique is checked by the processor's config. */
    @Override
    public void validate(ConfigProblems problems) {
      Conditions.check(problems, "when", when, true);
      if (issueCode == null || issueCode.isBlank()) {
        problems.error(
            "issue_code",
            "an issue code is required (written to alert.issue_code), e.g. PRICE_MISSING");
      }
      if (severity == null) {
        problems.error("severity", "a severity is required: critical, warning or info");
      }
      if (!(confidence >= 0 && confidence <= 1)) {
        problems.error("confidence", "must be between 0 and 1, got " + confidence);
      }
    }
  }

  public Match match = Match.FIRST;
  public List<Rule> rules = List.of();

  @Override
  public void validate(ConfigProblems problems) {
    if (rules.isEmpty()) {
      problems.error(
          "rules",
          "at least one rule is required, e.g. - { when: 'error_code == \"TIMEOUT\"', "
              + "issue_code: TIMEOUT, severity: info }");
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      String at = "rules[" + i + "]";
      Rule r = rules.get(i);
      if (r == null) {
        problems.error(at, "expected a rule with when, issue_code and severity");
        continue;
      }
      if (r.name != null && !r.name.isBlank()) {
        Integer before = names.putIfAbsent(r.name, i);
        if (before != null) {
          problems.error(
              at + ".name",
              "'"
                  + r.name
                  + "' is already the name of rules["
                  + before
                  + "]; rule names must be unique");
        }
      }
    }
  }
}
