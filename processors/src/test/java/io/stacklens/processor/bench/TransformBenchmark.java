package io.stacklens.processor.bench;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.filter.ProcessorConfigs;
import io.stacklens.processor.transform.TransformProcessorConfig;
import io.stacklens.processor.transform.TransformProcessorFactory;
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
 * The {@code transform} processor on a 100-record batch of request logs. Scores are ns per record
 * (records/s = 1e9 / score). The batch is copied before each invocation, outside the measured time.
 * {@code bench/jmh.sh processors TransformBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(TransformBenchmark.RECORDS)
public class TransformBenchmark {
  static final int RECORDS = 100;

  private final LogsBatch template = BenchBatches.requestLogs(RECORDS);
  private LogsBatch batch;
  private Processor edits;
  private Processor typical;

  @Setup
  public void setUp() throws Exception {
    edits =
        create(
            """
        actions:
          - { action: set, field: env, value: prod }
          - { action: rename, field: user_id, to: user.id }
          - { action: delete, keys_matching: '^tmp\\.' }
          - { action: convert, field: duration_ms, type: int }
          - { action: truncate, field: body, max_length: 64, when: 'severity_number < ERROR' }
        """);
    typical =
        create(
            """
        actions:
          - { action: set, field: env, value: prod }
          - { action: rename, field: user_id, to: user.id }
          - { action: delete, keys_matching: '^tmp\\.' }
          - { action: convert, field: duration_ms, type: int }
          - { action: hash, field: user.email, salt: s3cret }
          - { action: redact, preset: email }
          - { action: redact, preset: ipv4, field: body }
        """);
  }

  private static Processor create(String yaml) throws Exception {
    TransformProcessorFactory f = new TransformProcessorFactory();
    TransformProcessorConfig c = ProcessorConfigs.config(f, "transform", yaml);
    return f.createProcessor(
        ComponentContext.ofProcessor(ComponentId.of("transform"), "logs", new MetricsRegistry()),
        c,
        Signal.LOGS);
  }

  @Setup(Level.Invocation)
  public void copy() {
    batch = template.copy();
  }

  /** set, rename, delete by regex, convert, conditional truncate. */
  @Benchmark
  public Batch edits() {
    return edits.process(batch);
  }

  /**
   * The edits plus SHA-256 of one attribute and two redactions (every value scanned for emails).
   */
  @Benchmark
  public Batch editsHashRedact() {
    return typical.process(batch);
  }
}
