package io.stacklens.exporter.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.ConfigRenderer;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.testing.StubFactories;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The postgres exporter's config: defaults, and errors reported at their YAML path. */
class PostgresExporterConfigTest {
  private static LoadResult load(String exporterYaml) {
    String yaml =
        "receivers:\n  otlp: {}\nexporters:\n  postgres:\n"
            + exporterYaml.indent(4)
            + "service:\n  pipelines:\n    logs: { receivers: [otlp], exporters: [postgres] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(StubFactories.receiver("otlp"), new PostgresExporterFactory());
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  private static List<String> errors(String exporterYaml) {
    return load(exporterYaml).errors().stream().map(ConfigProblem::toString).toList();
  }

  private static final String OK = "endpoint: jdbc:postgresql://127.0.0.1:5432/logs\n";

  @Test
  void minimalConfigLoadsWithTheDefaults() {
    LoadResult r = load(OK);
    assertThat(r.errors()).isEmpty();
    PostgresExporterConfig c = new PostgresExporterFactory().createDefaultConfig();
    assertThat(c.tableName()).isEqualTo("enriched_logs");
    assertThat(c.writeMethod).isEqualTo(PostgresExporterConfig.WriteMethod.COPY);
    assertThat(c.exactlyOnce).isTrue();
    assertThat(c.schema).isEqualTo(PostgresExporterConfig.SchemaMode.AUTO);
    assertThat(c.poolSize).isEqualTo(2);
    c.tableKind = PostgresExporterConfig.TableKind.ALERTS;
    assertThat(c.tableName()).isEqualTo("alerts");
    c.tableKind = PostgresExporterConfig.TableKind.DEAD_LETTERS;
    assertThat(c.tableName()).isEqualTo("dlq_messages");
  }

  @Test
  void fullConfigFromTheContractLoads() {
    LoadResult r =
        load(
            OK
                + """
        user: stacklens
        password: s3cret-value
        connection: { sslmode: verify-full, sslrootcert: /etc/ssl/ca.pem }
        pool_size: 4
        statement_timeout: 10s
        schema: manual
        table: app_logs
        write_method: insert
        exactly_once: false
        columns:
          request_id: { from: request_id, type: text }
          status: { from: 'attributes["http.status_code"]', type: bigint }
          region: { from: 'resource.attributes["cloud.region"]', type: text }
        partitioning: { by: day, create_ahead: 5 }
        retention: 30d
        """);
    assertThat(r.errors()).isEmpty();
    String printed = ConfigRenderer.render(r.config().orElseThrow(), true);
    assertThat(printed).doesNotContain("s3cret-value").contains("table: app_logs");
  }

  @Test
  void endpointMustBeAPostgresJdbcUrl() {
    assertThat(errors("user: x\n"))
        .anyMatch(e -> e.contains("exporters.postgres.endpoint") && e.contains("is required"));
    assertThat(errors("endpoint: postgres://h/db\n"))
        .anyMatch(
            e -> e.contains("exporters.postgres.endpoint") && e.contains("jdbc:postgresql://"));
  }

  @Test
  void columnNamesMustBeUsableIdentifiersAndNotFixedColumns() {
    assertThat(errors(OK + "columns:\n  Request-Id: { from: request_id }\n"))
        .anyMatch(
            e ->
                e.contains("exporters.postgres.columns.Request-Id")
                    && e.contains("SQL identifier"));
    assertThat(errors(OK + "columns:\n  select: { from: request_id }\n"))
        .anyMatch(e -> e.contains("exporters.postgres.columns.select") && e.contains("reserved"));
    assertThat(errors(OK + "columns:\n  body: { from: msg }\n"))
        .anyMatch(
            e ->
                e.contains("exporters.postgres.columns.body")
                    && e.contains("duplicates the fixed column"));
    assertThat(errors(OK + "columns:\n  amount: { from: amount, type: money }\n"))
        .anyMatch(e -> e.contains("exporters.postgres.columns.amount.type") && e.contains("money"));
    assertThat(errors(OK + "columns:\n  amount: { from: 'attributes[' }\n"))
        .anyMatch(
            e ->
                e.contains("exporters.postgres.columns.amount.from")
                    && e.contains("not a field path"));
    assertThat(errors(OK + "columns:\n  amount: { type: bigint }\n"))
        .anyMatch(
            e -> e.contains("exporters.postgres.columns.amount.from") && e.contains("required"));
  }

  @Test
  void tableNamesAreChecked() {
    assertThat(errors(OK + "table: 'logs; drop table x'\n"))
        .anyMatch(e -> e.contains("exporters.postgres.table") && e.contains("SQL identifier"));
    assertThat(errors(OK + "table: " + "t".repeat(60) + "\n"))
        .anyMatch(e -> e.contains("exporters.postgres.table") && e.contains("at most"));
  }

  @Test
  void retentionNeedsPartitioningAndAlertsSettingsNeedAlerts() {
    assertThat(errors(OK + "retention: 30d\n"))
        .anyMatch(
            e -> e.contains("exporters.postgres.retention") && e.contains("needs partitioning"));
    assertThat(errors(OK + "retention: soon\n"))
        .anyMatch(e -> e.contains("exporters.postgres.retention") && e.contains("30d"));
    assertThat(errors(OK + "partitioning: { by: day }\nretention: 7d\n")).isEmpty();
    assertThat(errors(OK + "partitioning: { by: week }\n"))
        .anyMatch(e -> e.contains("exporters.postgres.partitioning.by"));
    assertThat(errors(OK + "alerts: { fold_window: 5m }\n"))
        .anyMatch(
            e -> e.contains("exporters.postgres.alerts") && e.contains("table_kind: alerts only"));
    assertThat(
            errors(
                OK
                    + "table_kind: alerts\nalerts: { fold_window: 5m, fold_key: ['resource.attributes[\"service.name\"]'] }\n"))
        .isEmpty();
    assertThat(errors(OK + "table_kind: alerts\npartitioning: { by: month }\n"))
        .anyMatch(e -> e.contains("exporters.postgres.partitioning.by") && e.contains("logs only"));
  }

  @Test
  void deadLetterTableIsGoneInFavourOfADeadLettersExporter() {
    assertThat(errors(OK + "dead_letter_table: dlq_messages\n"))
        .anyMatch(
            e ->
                e.contains("exporters.postgres.dead_letter_table")
                    && e.contains("unknown key 'dead_letter_table'"));
    assertThat(errors(OK + "table_kind: dead_letters\n")).isEmpty();
    assertThat(errors(OK + "table_kind: dead_letters\npartitioning: { by: day }\n"))
        .anyMatch(e -> e.contains("exporters.postgres.partitioning.by") && e.contains("logs only"));
    assertThat(
            errors(OK + "table_kind: dead_letters\ncolumns:\n  request_id: { from: request_id }\n"))
        .anyMatch(e -> e.contains("exporters.postgres.columns") && e.contains("logs only"));
    assertThat(errors(OK + "table_kind: dead_letters\nalerts: { fold_window: 5m }\n"))
        .anyMatch(
            e -> e.contains("exporters.postgres.alerts") && e.contains("table_kind: alerts only"));
    assertThat(errors(OK + "table_kind: dlq\n"))
        .anyMatch(e -> e.contains("exporters.postgres.table_kind"));
  }

  @Test
  void aDeadLettersExporterNeedsNoPipeline() {
    String yaml =
        """
        receivers:
          otlp: {}
        exporters:
          postgres/logs:
            endpoint: jdbc:postgresql://127.0.0.1:5432/logs
            dead_letter: { exporter: postgres/dlq }
          postgres/dlq:
            endpoint: jdbc:postgresql://127.0.0.1:5432/logs
            table_kind: dead_letters
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [postgres/logs] }
        """;
    ComponentRegistry registry =
        ComponentRegistry.of(StubFactories.receiver("otlp"), new PostgresExporterFactory());
    LoadResult r = new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void theExampleConfigsExporterLoads() throws Exception {
    String yaml =
        java.nio.file.Files.readString(
            java.nio.file.Path.of("../config-examples/postgres-logs.yaml"));
    String exporters = yaml.substring(yaml.indexOf("exporters:\n"), yaml.indexOf("service:\n"));
    String config =
        "receivers:\n  otlp: {}\n"
            + exporters
            + "service:\n  pipelines:\n    logs: { receivers: [otlp], exporters: [postgres/logs] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(StubFactories.receiver("otlp"), new PostgresExporterFactory());
    LoadResult r = new ConfigLoader(registry, Map.of()).loadString(config, "postgres-logs.yaml");
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void connectionPropertiesMustNotCarryTheCredentials() {
    assertThat(errors(OK + "connection: { password: x }\n"))
        .anyMatch(e -> e.contains("exporters.postgres.connection.password"));
    assertThat(errors(OK + "pool_size: 0\n"))
        .anyMatch(e -> e.contains("exporters.postgres.pool_size"));
  }
}
