package io.stacklens.processor.bench;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.util.SplittableRandom;

/**
 * A realistic log batch for processor benchmarks: one service, one scope, HTTP-ish request logs.
 */
final class BenchBatches {
  private BenchBatches() {}

  static LogsBatch requestLogs(int n) {
    SplittableRandom rnd = new SplittableRandom(1);
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "checkout");
    rl.resource().attributes().put("host.name", "node-7");
    rl.resource().attributes().put("deployment.environment", "prod");
    ScopeLogs sl = new ScopeLogs();
    sl.scope().setName("io.stacklens.bench");
    rl.scopeLogs().add(sl);
    String[] paths = {"/api/cart", "/api/pay", "/healthz", "/api/items/42", "/api/user"};
    for (int i = 0; i < n; i++) {
      byte[] trace = new byte[16];
      for (int j = 0; j < 16; j++) trace[j] = (byte) rnd.nextInt(256);
      int status = rnd.nextInt(10) == 0 ? 500 : 200;
      String path = paths[rnd.nextInt(paths.length)];
      Attributes a =
          Attributes.of(
              "http.method",
              "GET",
              "http.route",
              path,
              "http.status_code",
              (long) status,
              "user_id",
              "user-" + rnd.nextInt(5000),
              "user.email",
              "user" + rnd.nextInt(5000) + "@example.com",
              "duration_ms",
              String.valueOf(rnd.nextInt(900)),
              "tmp.debug_token",
              "abc",
              "client.ip",
              "10.0." + rnd.nextInt(256) + "." + rnd.nextInt(256));
      sl.logRecords()
          .add(
              new LogRecord(a)
                  .setTimeUnixNano(1_700_000_000_000_000_000L + i)
                  .setSeverityNumber(status >= 500 ? 17 : 9)
                  .setSeverityText(status >= 500 ? "ERROR" : "INFO")
                  .setTraceId(trace)
                  .setBody(
                      path
                          + " answered "
                          + status
                          + " in "
                          + rnd.nextInt(900)
                          + " ms for user"
                          + rnd.nextInt(5000)
                          + "@example.com from client 10.0.0."
                          + rnd.nextInt(256)));
    }
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }
}
