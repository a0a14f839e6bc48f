package io.stacklens.agent.bench;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.stacklens.agent.cli.loadgen.LogRequestFactory;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.otlp.OtlpLogs;
import io.stacklens.agent.otlp.OtlpLogsDecoder;
import io.stacklens.agent.otlp.OtlpLogsEncoder;
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
 * OTLP/protobuf logs encode, what the {@code kafka}, {@code otlp} and {@code otlphttp} exporters
 * and the disk queue do with a batch: one batch of {@code records} log records shaped like the load
 * generator's (200-byte body, 5 attributes, 5 resource attributes). {@code viaProtobufJava} is the
 * baseline (build protobuf-java messages from the model, then serialize them); {@code direct}
 * writes the same bytes straight from the model. Time per batch; divide by {@code records} for per
 * record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OtlpEncodeBenchmark {
  @Param({"1000"})
  public int records;

  private LogsBatch batch;

  @Setup
  public void setUp() throws Exception {
    ExportLogsServiceRequest request =
        new LogRequestFactory(200, 5, 42)
            .build(0, records, System.currentTimeMillis() * 1_000_000L);
    batch = OtlpLogsDecoder.decode(request.toByteArray());
  }

  @Benchmark
  public byte[] viaProtobufJava() {
    return OtlpLogs.toProto(batch).toByteArray();
  }

  @Benchmark
  public byte[] direct() {
    return OtlpLogsEncoder.encode(batch);
  }
}
