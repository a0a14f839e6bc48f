package io.stacklens.agent.testing;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;

/** Builds log batches for tests. Shared with other modules through the agent's test-jar. */
public final class TestBatches {
  private TestBatches() {}

  /** A batch of {@code n} records whose bodies are {@code prefix-0 .. prefix-(n-1)}. */
  public static LogsBatch logs(String prefix, int n) {
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "test-service");
    ScopeLogs sl = new ScopeLogs();
    sl.scope().setName("test-scope");
    rl.scopeLogs().add(sl);
    for (int i = 0; i < n; i++) {
      sl.logRecords()
          .add(
              new LogRecord(Attributes.of("i", (long) i))
                  .setTimeUnixNano(1_700_000_000_000_000_000L + i)
                  .setSeverityNumber(9)
                  .setSeverityText("INFO")
                  .setBody(prefix + "-" + i));
    }
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }
}
