package io.stacklens.exporter.postgres.bench;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.postgres.PostgresServer;
import io.stacklens.exporter.postgres.PostgresExporterConfig;
import io.stacklens.exporter.postgres.PostgresExporterFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A timed loop (run by hand, not part of the build): rows/s of the postgres exporter's write
 * methods, with and without exactly-once, on the default schema and indexes plus three promoted
 * columns.
 *
 * <pre>
 * ./mvnw -q -o -pl exporters -am test-compile
 * java -cp exporters/target/test-classes:exporters/target/classes:$(cat cp.txt) io.stacklens.exporter.postgres.bench.PostgresWriteBench [batches] [batchSize]
 * </pre>
 */
public final class PostgresWriteBench {
  public static void main(String[] args) throws Exception {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    PostgresServer pg = PostgresServer.shared();
    System.out.println(
        "PostgreSQL: "
            + pg
            + "; "
            + batches
            + " batches of "
            + size
            + " records, after 5 warm-up batches");
    for (int round = 0; round < 2; round++) {
      for (boolean exactlyOnce : new boolean[] {true, false}) {
        for (PostgresExporterConfig.WriteMethod method :
            PostgresExporterConfig.WriteMethod.values()) {
          double rate = run(pg, method, exactlyOnce, batches, size);
          System.out.printf(
              "round %d  %-6s exactly_once=%-5s  %,10.0f rows/s%n",
              round + 1, method.name().toLowerCase(java.util.Locale.ROOT), exactlyOnce, rate);
        }
      }
    }
    pg.close();
  }

  private static double run(
      PostgresServer pg,
      PostgresExporterConfig.WriteMethod method,
      boolean exactlyOnce,
      int batches,
      int size)
      throws Exception {
    String url = pg.createUniqueDatabase("bench");
    String db = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    PostgresExporterConfig c = new PostgresExporterFactory().createDefaultConfig();
    c.endpoint = pg.endpointOf(db);
    c.user = pg.user();
    c.password = pg.password();
    c.writeMethod = method;
    c.exactlyOnce = exactlyOnce;
    c.columns = new LinkedHashMap<>();
    for (String name : List.of("request_id", "user_id", "error_code")) {
      PostgresExporterConfig.ColumnSettings s = new PostgresExporterConfig.ColumnSettings();
      s.from = name;
      c.columns.put(name, s);
    }
    ComponentContext ctx =
        ComponentContext.of(
            ComponentId.parse("postgres/bench"), ComponentKind.EXPORTER, new MetricsRegistry());
    Exporter e = new PostgresExporterFactory().createExporter(ctx, c);
    e.start((id, kind, status, detail) -> {});
    List<LogsBatch> all = new ArrayList<>();
    for (int b = 0; b < batches + 5; b++) all.add(batch(b * size, size));
    for (int b = 0; b < 5; b++) e.push(all.get(b));
    long start = System.nanoTime();
    for (int b = 5; b < all.size(); b++) e.push(all.get(b));
    double seconds = (System.nanoTime() - start) / 1e9;
    e.shutdown(Instant.now());
    return batches * (double) size / seconds;
  }

  private static LogsBatch batch(int from, int n) {
    ResourceLogs rl =
        new ResourceLogs(
            new Resource(
                Attributes.of(
                    "service.name",
                    "checkout",
                    "service.version",
                    "1.2.3",
                    "host.name",
                    "web-1",
                    "deployment.environment",
                    "prod")),
            new ArrayList<>());
    ScopeLogs sl = new ScopeLogs(new InstrumentationScope().setName("com.shop"), new ArrayList<>());
    rl.scopeLogs().add(sl);
    long t0 = 1_714_566_896_000_000_000L;
    for (int i = from; i < from + n; i++) {
      sl.logRecords()
          .add(
              new LogRecord(
                      Attributes.of(
                          "request_id",
                          "req-" + i,
                          "user_id",
                          "u" + (i % 1000),
                          "error_code",
                          i % 10 == 0 ? "E" + (i % 7) : null,
                          "http.method",
                          "GET",
                          "http.route",
                          "/api/cart/{id}",
                          "http.status_code",
                          (long) (200 + i % 5)))
                  .setTimeUnixNano(t0 + i * 1_000_000L)
                  .setObservedTimeUnixNano(t0 + i * 1_000_000L + 500)
                  .setSeverityNumber(i % 10 == 0 ? 17 : 9)
                  .setSeverityText(i % 10 == 0 ? "ERROR" : "INFO")
                  .setBody(
                      "GET /api/cart/" + i + " took " + (i % 300) + " ms for user u" + (i % 1000)));
    }
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }
}
