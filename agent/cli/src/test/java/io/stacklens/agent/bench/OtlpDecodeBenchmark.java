package io.stacklens.agent.bench;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.stacklens.agent.cli.loadgen.LogRequestFactory;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.otlp.OtlpLogsDecoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * OTLP/protobuf logs decode: one request of {@code records} log records shaped like the load
 * generator's (200-byte body, 5 attributes, 5 resource attributes). {@code generatedThenConvert} is
 * the baseline (protobuf-java's generated parser, then conversion to the model); {@code direct} is
 * what the receiver does. Time per request; divide by {@code records} for per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OtlpDecodeBenchmark {
  @Param({"100"})
  public int records;

  private byte[] bytes;

  @Setup
  public void setUp() {
    ExportLogsServiceRequest request =
        new LogRequestFactory(200, 5, 42)
            .build(0, records, System.currentTimeMillis() * 1_000_000L);
    bytes = request.toByteArray();
  }

  @Benchmark
  public LogsBatch generatedThenConvert() throws Exception {
    return OtlpLogs.fromProto(ExportLogsServiceRequest.parseFrom(bytes));
  }

  @Benchmark
  public LogsBatch direct() throws Exception {
    return OtlpLogsDecoder.decode(bytes);
  }

  private final MemoryLimiter memory = new MemoryLimiter(1L << 30);
  private final DecodeLimits limits = DecodeLimits.defaults("receivers.otlp.limits");

  /**
   * What the receiver does with limits on: the default limits, charged to a memory budget and given
   * back.
   */
  @Benchmark
  public LogsBatch directWithLimits() throws Exception {
    DecodeBudget budget = new DecodeBudget(limits, memory);
    LogsBatch batch = OtlpLogsDecoder.decode(bytes, 0, bytes.length, budget);
    budget.handOver(batch);
    batch.releaseMemory();
    return batch;
  }
}
