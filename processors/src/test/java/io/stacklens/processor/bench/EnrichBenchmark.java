package io.stacklens.processor.bench;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.enrich.EnrichProcessorConfig;
import io.stacklens.processor.enrich.EnrichProcessorFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Records per second through the {@code enrich} processor on a realistic 100-record batch: GeoIP
 * (City + ASN test databases, a mix of known, unknown and private addresses) plus an HTTP source
 * whose keys are all cached (the steady state: the cache answers, the API is not called). The batch
 * is copied per invocation (enrichment adds attributes), the copy outside the measurement.
 *
 * <pre>bench/jmh.sh processors EnrichBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(EnrichBenchmark.RECORDS)
public class EnrichBenchmark {
  static final int RECORDS = 100;
  private static final String[] IPS = {
    "81.2.69.142",
    "1.128.0.1",
    "89.160.20.112",
    "8.8.8.8",
    "10.0.0.7",
    "216.160.83.56",
    "175.16.199.1",
    "2001:218::1",
    "12.81.92.1",
    "2.125.160.216"
  };

  @Param({"geoip", "geoip+cached_http"})
  public String steps;

  private Processor processor;
  private LogsBatch template;
  private LogsBatch batch;
  private com.sun.net.httpserver.HttpServer server;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path geoip = locateTestdata().resolve("geoip");
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.geoip = new EnrichProcessorConfig.GeoipSettings();
    c.geoip.cityDatabase = geoip.resolve("GeoLite2-City-Test.mmdb").toString();
    c.geoip.asnDatabase = geoip.resolve("GeoLite2-ASN-Test.mmdb").toString();
    if (steps.contains("http")) {
      server =
          com.sun.net.httpserver.HttpServer.create(
              new java.net.InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          ex -> {
            byte[] body =
                "{\"tier\":\"gold\",\"country\":\"DE\",\"age\":41}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
          });
      server.start();
      EnrichProcessorConfig.HttpSettings h = new EnrichProcessorConfig.HttpSettings();
      h.name = "user_profile";
      h.key = "user_id";
      h.url = "http://127.0.0.1:" + server.getAddress().getPort() + "/users";
      c.http = List.of(h);
    }
    MetricsRegistry metrics = new MetricsRegistry();
    processor =
        new EnrichProcessorFactory()
            .createProcessor(
                ComponentContext.ofProcessor(ComponentId.of("enrich"), "logs", metrics),
                c,
                io.stacklens.agent.data.Signal.LOGS);
    template = typicalBatch();
    processor.process(template.copy()); // warms the caches: every user id is looked up once here
  }

  @Setup(Level.Invocation)
  public void copy() {
    batch = template.copy();
  }

  @Benchmark
  public Object enrich() {
    return processor.process(batch);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    processor.shutdown(Instant.now().plusSeconds(1));
    if (server != null) server.stop(0);
  }

  static LogsBatch typicalBatch() {
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "checkout");
    rl.resource().attributes().put("host.name", "web-3");
    ScopeLogs sl = new ScopeLogs();
    sl.scope().setName("io.example.checkout");
    rl.scopeLogs().add(sl);
    for (int i = 0; i < RECORDS; i++) {
      sl.logRecords()
          .add(
              new LogRecord(
                      Attributes.of(
                          "client.ip",
                          IPS[i % IPS.length],
                          "user_id",
                          "user-" + (i % 25),
                          "http.method",
                          "POST",
                          "http.route",
                          "/api/cart/{id}",
                          "http.status_code",
                          200L))
                  .setTimeUnixNano(1_700_000_000_000_000_000L + i)
                  .setSeverityNumber(9)
                  .setSeverityText("INFO")
                  .setBody("order " + i + " placed"));
    }
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  private static Path locateTestdata() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (java.nio.file.Files.isDirectory(p.resolve("testdata/geoip")))
        return p.resolve("testdata");
      p = p.getParent();
    }
    throw new IllegalStateException(
        "testdata/geoip not found above " + Path.of("").toAbsolutePath());
  }
}
