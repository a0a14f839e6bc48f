package io.stacklens.processor.rules;

import static io.stacklens.agent.data.AlertAttributes.CONFIDENCE;
import static io.stacklens.agent.data.AlertAttributes.ISSUE_CODE;
import static io.stacklens.agent.data.AlertAttributes.SEVERITY;
import static io.stacklens.agent.data.AlertAttributes.SUGGESTED_FIX;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.expr.Condition;
import io.stacklens.agent.expr.Conditions;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.agent.telemetry.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Annotates log records with the alert of the first (or every) rule whose condition they match:
 * {@code alert.issue_code}, {@code alert.severity}, {@code alert.suggested_fix}, {@code
 * alert.confidence}. Records matching no rule pass unchanged; no record is dropped.
 */
final class RulesProcessor implements Processor {
  static final String MATCHES = "stacklens_processor_rule_matches_total";

  private final boolean matchAll;
  private final Condition[] conditions;
  private final String[] issueCodes;
  private final String[] severities;
  private final String[] fixes;
  private final Double[] confidences;
  private final Counter[] counters;
  private final long[] matchesInBatch;
  private final LogContext ctx = new LogContext();

  /** All mode: indices of the rules the current record matched. */
  private final int[] matched;

  RulesProcessor(ComponentContext context, RulesProcessorConfig config) {
    int n = config.rules.size();
    matchAll = config.match == RulesProcessorConfig.Match.ALL;
    conditions = new Condition[n];
    issueCodes = new String[n];
    severities = new String[n];
    fixes = new String[n];
    confidences = new Double[n];
    counters = new Counter[n];
    matchesInBatch = new long[n];
    matched = new int[n];
    String pipeline = context.pipeline() == null ? "" : context.pipeline();
    for (int i = 0; i < n; i++) {
      RulesProcessorConfig.Rule r = config.rules.get(i);
      conditions[i] = Conditions.compileValidated(r.when);
      issueCodes[i] = r.issueCode;
      severities[i] = r.severity.label();
      fixes[i] = r.suggestedFix == null ? "" : r.suggestedFix;
      confidences[i] = r.confidence; // boxed once here, shared by every record
      counters[i] =
          context
              .metrics()
              .counter(
                  MATCHES,
                  "Records a rule of a rules processor matched",
                  "processor",
                  context.id().toString(),
                  "pipeline",
                  pipeline,
                  "issue_code",
                  r.issueCode);
    }
  }

  @Override
  public Batch process(Batch batch) {
    LogsBatch logs = (LogsBatch) batch;
    Arrays.fill(matchesInBatch, 0);
    for (ResourceLogs rl : logs.resourceLogs()) {
      for (ScopeLogs sl : rl.scopeLogs()) {
        List<LogRecord> records = sl.logRecords();
        for (int i = 0, n = records.size(); i < n; i++) {
          LogRecord record = records.get(i);
          ctx.set(rl, sl, record);
          if (matchAll) annotateAll(record);
          else annotateFirst(record);
        }
      }
    }
    ctx.set(null, null, null);
    for (int r = 0; r < counters.length; r++) {
      if (matchesInBatch[r] > 0) counters[r].add(matchesInBatch[r]);
    }
    return logs;
  }

  private void annotateFirst(LogRecord record) {
    for (int r = 0; r < conditions.length; r++) {
      if (conditions[r].test(ctx)) {
        matchesInBatch[r]++;
        Attributes a = record.attributes();
        a.put(ISSUE_CODE, issueCodes[r]);
        a.put(SEVERITY, severities[r]);
        a.put(SUGGESTED_FIX, fixes[r]);
        a.put(CONFIDENCE, confidences[r]);
        return;
      }
    }
  }

  private void annotateAll(LogRecord record) {
    int m = 0;
    for (int r = 0; r < conditions.length; r++) {
      if (conditions[r].test(ctx)) {
        matchesInBatch[r]++;
        matched[m++] = r;
      }
    }
    if (m == 0) return;
    List<Object> codes = new ArrayList<>(m);
    List<Object> sev = new ArrayList<>(m);
    List<Object> fix = new ArrayList<>(m);
    List<Object> conf = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      int r = matched[i];
      codes.add(issueCodes[r]);
      sev.add(severities[r]);
      fix.add(fixes[r]);
      conf.add(confidences[r]);
    }
    Attributes a = record.attributes();
    a.put(ISSUE_CODE, codes);
    a.put(SEVERITY, sev);
    a.put(SUGGESTED_FIX, fix);
    a.put(CONFIDENCE, conf);
  }
}
