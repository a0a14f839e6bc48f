package io.stacklens.exporter.postgres;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ComponentStatus;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Shared helpers of the postgres exporter tests: databases, configs, batches, queries. */
final class PgTestData {
  static final long T0 = 1_714_566_896_123_456_789L;

  private PgTestData() {}

  /**
   * A config writing to a fresh database of {@code server}; returns the config (its endpoint names
   * the database).
   */
  static PostgresExporterConfig config(PostgresServer server, String dbPrefix) {
    String url = server.createUniqueDatabase(dbPrefix);
    String db = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    return config(server, db, true);
  }

  static PostgresExporterConfig config(PostgresServer server, String database, boolean unused) {
    PostgresExporterConfig c = new PostgresExporterFactory().createDefaultConfig();
    c.endpoint = server.endpointOf(database);
    c.user = server.user();
    c.password = server.password();
    return c;
  }

  static ComponentContext context(MetricsRegistry metrics, String name) {
    return ComponentContext.of(
        ComponentId.parse("postgres/" + name), ComponentKind.EXPORTER, metrics);
  }

  static PostgresExporter started(PostgresExporterConfig c, MetricsRegistry metrics, String name)
      throws Exception {
    PostgresExporter e = new PostgresExporter(context(metrics, name), c);
    e.start(new RecordingHost());
    return e;
  }

  static Connection connect(PostgresExporterConfig c) throws SQLException {
    java.util.Properties p = new java.util.Properties();
    if (c.user != null) p.setProperty("user", c.user);
    if (c.password != null) p.setProperty("password", c.password);
    return DriverManager.getConnection(c.endpoint, p);
  }

  static long count(PostgresExporterConfig c, String sql) throws SQLException {
    try (Connection conn = connect(c);
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** {@code n} records of one resource and scope with attribute {@code seq} = prefix + index. */
  static LogsBatch batch(String prefix, int from, int n) {
    ResourceLogs rl =
        new ResourceLogs(
            new Resource(Attributes.of("service.name", "checkout", "host.name", "h1")),
            new ArrayList<>());
    ScopeLogs sl =
        new ScopeLogs(new InstrumentationScope().setName("test.scope"), new ArrayList<>());
    rl.scopeLogs().add(sl);
    for (int i = from; i < from + n; i++) {
      sl.logRecords()
          .add(
              new LogRecord(Attributes.of("seq", prefix + i, "request_id", "req-" + i))
                  .setTimeUnixNano(T0 + i * 1_000_000L)
                  .setSeverityNumber(9)
                  .setSeverityText("INFO")
                  .setBody("record " + prefix + i));
    }
    return new LogsBatch(new ArrayList<>(List.of(rl)));
  }

  /** A host that keeps the last status each component reported. */
  static final class RecordingHost implements Host {
    final Map<ComponentId, ComponentStatus> statuses = new ConcurrentHashMap<>();

    @Override
    public void reportStatus(
        ComponentId id, ComponentKind kind, ComponentStatus status, String detail) {
      statuses.put(id, status);
    }
  }
}
