package io.stacklens.processor.bench;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.rules.RulesProcessorConfig;
import io.stacklens.processor.rules.RulesProcessorFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Records per second through the {@code rules} processor with the point-of-sale rule set (4 rules
 * on {@code error_code}) on a 512-record batch where 30% of records carry an error code (half of
 * them matching a rule). Records keep their alert attributes between invocations, so later
 * invocations replace them (the same work as adding, minus the array growth). Run: {@code
 * bench/jmh.sh processors RulesBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(RouteBenchmark.RECORDS)
public class RulesBenchmark {
  private static final String[] CODES = {
    "PRICE_MISSING",
    "DATABASE_TIMEOUT",
    "TIMEOUT",
    "INVALID_ORDER",
    "CARD_DECLINED",
    "STOCK_LOW",
    "NETWORK_FLAP",
    "COUPON_EXPIRED"
  };

  @Param({"first", "all"})
  public String match;

  private Processor processor;
  private LogsBatch batch;

  @Setup
  public void setUp() throws Exception {
    RulesProcessorConfig c = new RulesProcessorConfig();
    c.match = RulesProcessorConfig.Match.valueOf(match.toUpperCase(Locale.ROOT));
    c.rules =
        List.of(
            rule(
                "error_code == \"PRICE_MISSING\"",
                "PRICE_MISSING",
                RulesProcessorConfig.Severity.CRITICAL,
                "Check product pricing configuration"),
            rule(
                "error_code starts_with \"DATABASE_\"",
                "DATABASE_ERROR",
                RulesProcessorConfig.Severity.WARNING,
                "Verify database connection"),
            rule(
                "error_code == \"TIMEOUT\"",
                "TIMEOUT",
                RulesProcessorConfig.Severity.INFO,
                "Monitor system performance"),
            rule(
                "error_code == \"INVALID_ORDER\"",
                "INVALID_ORDER",
                RulesProcessorConfig.Severity.CRITICAL,
                "Validate order structure"));
    processor =
        new RulesProcessorFactory()
            .createProcessor(
                ComponentContext.ofProcessor(
                    ComponentId.of("rules"), "logs", new MetricsRegistry()),
                c,
                Signal.LOGS);
    batch = RouteBenchmark.batch(false);
    int[] n = {0};
    batch.forEachRecord(
        (LogRecord r) -> {
          int i = n[0]++;
          if (i % 10 < 3) r.attributes().put("error_code", CODES[i % CODES.length]);
        });
  }

  private static RulesProcessorConfig.Rule rule(
      String when, String code, RulesProcessorConfig.Severity severity, String fix) {
    RulesProcessorConfig.Rule r = new RulesProcessorConfig.Rule();
    r.when = when;
    r.issueCode = code;
    r.severity = severity;
    r.suggestedFix = fix;
    r.confidence = 0.9;
    return r;
  }

  @Benchmark
  public Object rules() {
    return processor.process(batch);
  }
}
