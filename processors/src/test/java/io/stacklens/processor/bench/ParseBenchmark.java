package io.stacklens.processor.bench;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.parse.ParseProcessorConfig;
import io.stacklens.processor.parse.ParseProcessorFactory;
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
 * The {@code parse} processor on a 100-record batch of application JSON bodies (~10 fields, one
 * nested object), with an iso8601 timestamp, a severity word and a four-field schema: parse,
 * flatten into attributes, set time and severity (both fields removed), check the schema. Scores
 * are ns per record; records/s = 1e9 / score. Each invocation works on a fresh copy of the batch
 * (the copy is made in a per-invocation setup, outside the measurement). Run: {@code bench/jmh.sh
 * processors ParseBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ParseBenchmark.RECORDS)
public class ParseBenchmark {
  static final int RECORDS = 100;
  private static final String[] LEVELS = {"info", "INFO", "warn", "Warning", "error", "debug"};
  private static final String[] SERVICES = {"checkout", "cart", "payment", "search"};

  private LogsBatch template;
  private LogsBatch batch;
  private Processor processor;

  @Setup
  public void setUp() throws Exception {
    template = new LogsBatch();
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "shop");
    ScopeLogs sl = new ScopeLogs();
    rl.scopeLogs().add(sl);
    template.resourceLogs().add(rl);
    for (int i = 0; i < RECORDS; i++) {
      String body =
          "{\"timestamp\":\"2024-05-01T10:00:"
              + String.format("%02d", i % 60)
              + "."
              + (100 + i)
              + "Z\","
              + "\"level\":\""
              + LEVELS[i % LEVELS.length]
              + "\","
              + "\"service\":\""
              + SERVICES[i % SERVICES.length]
              + "\","
              + "\"message\":\"order "
              + (1000 + i)
              + " processed in "
              + (i * 7 % 500)
              + " ms\","
              + "\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e"
              + String.format("%04x", i)
              + "\","
              + "\"user_id\":"
              + (50_000 + i)
              + ","
              + "\"http\":{\"method\":\"POST\",\"path\":\"/api/orders\",\"status\":"
              + (i % 10 == 0 ? 500 : 200)
              + "},"
              + "\"duration_ms\":"
              + (i * 1.5)
              + ","
              + "\"cached\":"
              + (i % 2 == 0)
              + ","
              + "\"client_ip\":\"10.0."
              + (i % 256)
              + "."
              + (i * 3 % 256)
              + "\"}";
      sl.logRecords()
          .add(
              new LogRecord(new Attributes())
                  .setBody(body)
                  .setObservedTimeUnixNano(1_714_557_600_000_000_000L));
    }

    ParseProcessorConfig c = new ParseProcessorFactory().createDefaultConfig();
    c.timestamp = new ParseProcessorConfig.TimestampSettings();
    c.timestamp.field = "timestamp";
    c.timestamp.remove = true;
    c.severity = new ParseProcessorConfig.SeveritySettings();
    c.severity.field = "level";
    c.severity.remove = true;
    c.schema = new ParseProcessorConfig.SchemaSettings();
    for (String[] f :
        new String[][] {
          {"service", "string"}, {"message", "string"}, {"user_id", "int"}, {"http.status", "int"}
        }) {
      ParseProcessorConfig.RequiredField r = new ParseProcessorConfig.RequiredField();
      r.field = f[0];
      r.type = ParseProcessorConfig.FieldType.valueOf(f[1].toUpperCase(java.util.Locale.ROOT));
      c.schema.required.add(r);
    }
    processor =
        new ParseProcessorFactory()
            .createProcessor(
                ComponentContext.ofProcessor(
                    ComponentId.of("parse"), "logs", new MetricsRegistry()),
                c,
                Signal.LOGS);
    LogsBatch check = (LogsBatch) processor.process(template.copy());
    LogRecord first = check.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0);
    if (first.attributes().contains("parse.error")
        || first.timeUnixNano() == 0
        || first.severityNumber() == 0) {
      throw new IllegalStateException("benchmark batch does not parse cleanly: " + first);
    }
  }

  @Setup(Level.Invocation)
  public void freshBatch() {
    batch = template.copy();
  }

  @Benchmark
  public Object parseTimestampSeveritySchema() {
    return processor.process(batch);
  }
}
