package io.stacklens.processor.bench;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.filter.FilterProcessorConfig;
import io.stacklens.processor.filter.FilterProcessorFactory;
import io.stacklens.processor.filter.ProcessorConfigs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The {@code filter} processor on a 100-record batch of request logs. Scores are ns per record
 * (records/s = 1e9 / score). The batch is copied before each invocation (the filter removes
 * records), outside the measured time. {@code bench/jmh.sh processors FilterBenchmark -f 1 -wi 2 -i
 * 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(FilterBenchmark.RECORDS)
public class FilterBenchmark {
  static final int RECORDS = 100;

  private final LogsBatch template = BenchBatches.requestLogs(RECORDS);
  private LogsBatch batch;
  private Processor conditions;
  private Processor everything;

  @Setup
  public void setUp() throws Exception {
    conditions =
        create(
            """
        include: ['severity_number >= INFO', 'attributes["http.status_code"] >= 500']
        exclude: ['attributes["http.route"] == "/healthz"', 'body contains "debug"']
        """);
    everything =
        create(
            """
        include: 'severity_number >= INFO'
        exclude: 'attributes["http.route"] == "/healthz"'
        sample: { percentage: 50, by: trace_id }
        throttle: { rate: 1000000000, key: user_id }
        """);
  }

  private static Processor create(String yaml) throws Exception {
    FilterProcessorFactory f = new FilterProcessorFactory();
    FilterProcessorConfig c = ProcessorConfigs.config(f, "filter", yaml);
    return f.createProcessor(
        ComponentContext.ofProcessor(ComponentId.of("filter"), "logs", new MetricsRegistry()),
        c,
        Signal.LOGS);
  }

  @Setup(Level.Invocation)
  public void copy() {
    batch = template.copy();
  }

  @Benchmark
  public Batch includeExclude() {
    return conditions.process(batch);
  }

  @Benchmark
  public Batch includeExcludeSampleThrottle() {
    return everything.process(batch);
  }
}
