package io.stacklens.processor.bench;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.RoutingProcessor;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.route.RouteProcessorConfig;
import io.stacklens.processor.route.RouteProcessorFactory;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Records per second through the {@code route} processor on a 512-record batch (2 resources x 2
 * scopes, 8 attributes per record) shaped like the example: 5% carry {@code parse.error}
 * (dlq), 10% {@code enrichment.errors} (partial), the rest go to default (complete). {@code mixed}
 * builds three parts; {@code uniform} is a batch that all goes to default (sent whole). Run: {@code
 * bench/jmh.sh processors RouteBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(RouteBenchmark.RECORDS)
public class RouteBenchmark {
  static final int RECORDS = 512;

  @Param({"first", "all"})
  public String match;

  private RoutingProcessor processor;
  private LogsBatch mixed;
  private LogsBatch uniform;

  @Setup
  public void setUp() throws Exception {
    RouteProcessorConfig c = new RouteProcessorConfig();
    c.match = RouteProcessorConfig.Match.valueOf(match.toUpperCase(java.util.Locale.ROOT));
    c.routes =
        List.of(
            route("dlq", "parse.error exists", "kafka/dlq"),
            route("partial", "enrichment.errors exists", "kafka/partial"));
    c.defaultExporters = List.of(ComponentId.parse("kafka/complete"));
    processor =
        (RoutingProcessor)
            new RouteProcessorFactory()
                .createProcessor(
                    ComponentContext.ofProcessor(
                        ComponentId.of("route"), "logs", new MetricsRegistry()),
                    c,
                    Signal.LOGS);
    mixed = batch(true);
    uniform = batch(false);
  }

  private static RouteProcessorConfig.Route route(String name, String when, String exporter) {
    RouteProcessorConfig.Route r = new RouteProcessorConfig.Route();
    r.name = name;
    r.when = when;
    r.exporters = List.of(ComponentId.parse(exporter));
    return r;
  }

  /** A realistic batch; with {@code errors}, 5% parse errors and 10% enrichment errors. */
  static LogsBatch batch(boolean errors) {
    LogsBatch b = new LogsBatch();
    int n = 0;
    for (int r = 0; r < 2; r++) {
      ResourceLogs rl = new ResourceLogs();
      rl.resource().attributes().put("service.name", "checkout-" + r);
      rl.resource().attributes().put("host.name", "pos-node-" + r);
      for (int s = 0; s < 2; s++) {
        ScopeLogs sl = new ScopeLogs();
        sl.scope().setName("io.stacklens.pos.scope" + s);
        for (int i = 0; i < RECORDS / 4; i++, n++) {
          Attributes a =
              Attributes.of(
                  "http.method",
                  "POST",
                  "http.route",
                  "/api/orders",
                  "http.status_code",
                  200L,
                  "user_id",
                  "u-" + n,
                  "store_id",
                  "S" + (n % 40),
                  "order_total",
                  12.5 + n,
                  "currency",
                  "EUR",
                  "request_id",
                  "req-" + n);
          if (errors && n % 20 == 7) a.put("parse.error", "unexpected end of input");
          else if (errors && n % 10 == 3) a.put("enrichment.errors", "geoip: address not found");
          sl.logRecords()
              .add(
                  new LogRecord(a)
                      .setSeverityNumber(9)
                      .setSeverityText("INFO")
                      .setTimeUnixNano(1_700_000_000_000_000_000L + n)
                      .setBody("order " + n + " processed"));
        }
        rl.scopeLogs().add(sl);
      }
      b.resourceLogs().add(rl);
    }
    return b;
  }

  @Benchmark
  public void mixed(Blackhole bh) {
    processor.route(mixed, (part, exporters) -> bh.consume(part));
  }

  @Benchmark
  public void uniform(Blackhole bh) {
    processor.route(uniform, (part, exporters) -> bh.consume(part));
  }
}
