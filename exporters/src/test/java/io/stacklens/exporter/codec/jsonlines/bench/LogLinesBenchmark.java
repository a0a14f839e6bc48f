package io.stacklens.exporter.codec.jsonlines.bench;

import io.stacklens.agent.data.LogsBatch;
import io.stacklens.exporter.codec.jsonlines.LogLineEncoders;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost per record of encoding a 100-record log batch as {@code json_lines}: the byte writer the
 * exporter uses against the Jackson encoder it used before. Scores are ns per record. Run by hand:
 * {@code java -cp <test classpath> org.openjdk.jmh.Main LogLinesBenchmark -f 1 -wi 3 -i 5 -w 1s -r
 * 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(LogLinesBenchmark.RECORDS)
public class LogLinesBenchmark {
  static final int RECORDS = 100;

  private LogsBatch batch;
  private LogsBatch enriched;
  private LogLineEncoders encoders;

  @Setup
  public void setUp() {
    batch = LogLineEncoders.typicalBatch(RECORDS);
    enriched = LogLineEncoders.enrichedBatch(RECORDS);
    encoders = new LogLineEncoders();
  }

  @Benchmark
  public int byteWriter() {
    return encoders.encodeWithByteWriter(batch);
  }

  /** The processor-chain benchmark's records: JSON body, 20 attributes, enriched resource. */
  @Benchmark
  public int byteWriterEnriched() {
    return encoders.encodeWithByteWriter(enriched);
  }

  @Benchmark
  public int jackson() {
    return encoders.encodeWithJackson(batch);
  }
}
