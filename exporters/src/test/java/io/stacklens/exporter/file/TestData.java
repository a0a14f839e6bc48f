package io.stacklens.exporter.file;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Batches and helpers shared by the file exporter and json_lines codec tests. */
public final class TestData {
  static final Host HOST = (id, kind, status, detail) -> {};
  public static final long T0 = 1_714_566_896_123_456_789L; // 2024-05-01T12:34:56.123456789Z

  private TestData() {}

  static ComponentContext context(MetricsRegistry metrics) {
    return ComponentContext.of(ComponentId.of("file"), ComponentKind.EXPORTER, metrics);
  }

  public static byte[] traceId() {
    byte[] id = new byte[16];
    for (int i = 0; i < id.length; i++) id[i] = (byte) (0xf0 + i);
    return id;
  }

  public static byte[] spanId() {
    return new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0xff};
  }

  /**
   * Two resources, three scopes, records with every AnyValue kind except bytes (which json_lines
   * reads back as base64 strings), nested maps and arrays, unicode, ids and all severities.
   */
  public static LogsBatch variedBatch() {
    ResourceLogs web =
        resource(
            Attributes.of(
                "service.name", "web", "host.cpu", 8L, "k8s", Attributes.of("pod", "web-1")));
    ScopeLogs http = scope(web, "io.http", "1.2.3", Attributes.of("lib", "netty"));
    http.logRecords()
        .add(
            new LogRecord(
                    Attributes.of(
                        "str",
                        "héllo \"wörld\" \n\t ✓ 日本語 \uD83D\uDE80",
                        "int",
                        -42L,
                        "max",
                        Long.MAX_VALUE,
                        "dbl",
                        3.25,
                        "tiny",
                        1.0E-300,
                        "whole",
                        2.0,
                        "bool",
                        true,
                        "no",
                        false,
                        "empty",
                        null,
                        "arr",
                        Attributes.listOf("a", 1L, 2.5, false, null, Attributes.listOf("nested")),
                        "map",
                        Attributes.of(
                            "inner", Attributes.of("deep", 1L), "list", Attributes.listOf()),
                        "emptymap",
                        new Attributes()))
                .setTimeUnixNano(T0)
                .setObservedTimeUnixNano(T0 + 1000)
                .setSeverityNumber(9)
                .setSeverityText("INFO")
                .setBody("request served in 12ms")
                .setTraceId(traceId())
                .setSpanId(spanId())
                .setFlags(1)
                .setEventName("http.request")
                .setDroppedAttributesCount(3));
    http.logRecords()
        .add(
            new LogRecord()
                .setObservedTimeUnixNano(T0 + 5)
                .setSeverityNumber(21)
                .setSeverityText("FATAL")
                .setBody(
                    Attributes.of(
                        "msg", "structured", "codes", Attributes.listOf(1L, 2L), "ok", false)));
    ScopeLogs db = scope(web, "io.db", "", new Attributes());
    for (int severity = 0; severity <= LogRecord.SEVERITY_MAX; severity++) {
      db.logRecords()
          .add(
              new LogRecord(Attributes.of("n", (long) severity))
                  .setTimeUnixNano(T0 + severity)
                  .setSeverityNumber(severity)
                  .setBody(Attributes.listOf("array", "body", (long) severity)));
    }
    db.logRecords().add(new LogRecord().setTimeUnixNano(T0)); // no body, no attributes
    db.logRecords().add(new LogRecord().setTimeUnixNano(T0).setBody(""));
    db.logRecords().add(new LogRecord().setTimeUnixNano(T0).setBody(7L));
    db.logRecords().add(new LogRecord().setTimeUnixNano(T0).setBody(-0.5));
    db.logRecords().add(new LogRecord().setTimeUnixNano(T0).setBody(true));
    ResourceLogs worker = resource(new Attributes());
    scope(worker, "", "", new Attributes())
        .logRecords()
        .add(new LogRecord().setTimeUnixNano(0).setBody("no time"));
    LogsBatch batch = new LogsBatch(new ArrayList<>(List.of(web, worker)));
    return batch;
  }

  /** {@code n} simple records under one resource and scope. */
  public static LogsBatch simpleBatch(int n, String prefix) {
    ResourceLogs rl = resource(Attributes.of("service.name", "bench"));
    ScopeLogs sl = scope(rl, "test", "1", new Attributes());
    for (int i = 0; i < n; i++) {
      sl.logRecords()
          .add(
              new LogRecord(Attributes.of("i", (long) i, "prefix", prefix))
                  .setTimeUnixNano(T0 + i)
                  .setSeverityNumber(9)
                  .setSeverityText("INFO")
                  .setBody(
                      prefix
                          + " record "
                          + i
                          + " with some padding to make lines longer than a few bytes"));
    }
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }

  public static ResourceLogs resource(Attributes attributes) {
    return new ResourceLogs(new Resource(attributes), new ArrayList<>());
  }

  public static ScopeLogs scope(
      ResourceLogs rl, String name, String version, Attributes attributes) {
    ScopeLogs sl =
        new ScopeLogs(
            new InstrumentationScope(attributes).setName(name).setVersion(version),
            new ArrayList<>());
    rl.scopeLogs().add(sl);
    return sl;
  }

  static List<LogRecord> records(LogsBatch batch) {
    List<LogRecord> out = new ArrayList<>();
    batch.forEachRecord(out::add);
    return out;
  }

  /** A clock tests move forward by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(java.time.Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
