package io.stacklens.processor.route;

import static io.stacklens.processor.route.Harness.printed;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.runtime.Service;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole agent runtime built from YAML: records reach exactly the exporters they are routed to.
 */
class RouteServiceTest {
  private final Harness harness = new Harness();
  private final MetricsRegistry metrics = new MetricsRegistry();

  private Service start(String yaml) throws Exception {
    LoadResult result = harness.load(yaml);
    assertThat(printed(result)).isEmpty();
    AgentConfig config = result.config().orElseThrow();
    Service service = Service.build(config, harness.registry(), metrics, new HealthRegistry());
    service.start();
    return service;
  }

  private void feed(String receiver, LogsBatch batch) {
    assertThat(harness.feeds.get(receiver).get(Signal.LOGS).consume(batch))
        .isEqualTo(Admission.ACCEPTED);
  }

  private static LogsBatch batch(LogRecord... records) {
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "till-7");
    ScopeLogs sl = new ScopeLogs();
    rl.scopeLogs().add(sl);
    sl.logRecords().addAll(List.of(records));
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  private static LogRecord rec(String body, Object... attributes) {
    return new LogRecord(Attributes.of(attributes)).setBody(body);
  }

  private RecordingExporter exporter(String id) {
    return harness.exporters.get(id);
  }

  @Test
  void rulesThenRouteSendAlertsToTheAlertsExporterAndEverythingToAllLogs() throws Exception {
    Service service =
        start(
            """
        receivers: { feed: }
        processors:
          rules:
            rules:
              - { when: error_code == "PRICE_MISSING", issue_code: PRICE_MISSING, severity: critical,
                  suggested_fix: Check product pricing configuration }
              - { when: error_code starts_with "DATABASE_", issue_code: DATABASE_ERROR, severity: warning,
                  suggested_fix: Verify database connection }
          route:
            routes:
              - name: unparsed
                when: parse.error exists
                exporters: [rec/dlq]
              - name: alerts
                when: alert.issue_code exists
                exporters: [rec/alerts, rec/all]
            default: [rec/all]
        exporters: { rec/alerts: , rec/all: , rec/dlq: }
        service:
          shutdown_timeout: 10s
          pipelines:
            logs: { receivers: [feed], processors: [rules, route], exporters: [rec/all, rec/alerts, rec/dlq] }
        """);
    feed(
        "feed",
        batch(
            rec("sale ok"),
            rec("no price", "error_code", "PRICE_MISSING"),
            rec("{bad json", "parse.error", "eof"),
            rec("db down", "error_code", "DATABASE_UNREACHABLE")));
    feed("feed", batch(rec("sale ok 2"), rec("unknown error", "error_code", "WHATEVER")));
    service.shutdown();

    assertThat(exporter("rec/alerts").bodies()).containsExactly("no price", "db down");
    assertThat(exporter("rec/all").bodies())
        .containsExactlyInAnyOrder("sale ok", "no price", "db down", "sale ok 2", "unknown error");
    assertThat(exporter("rec/dlq").bodies()).containsExactly("{bad json");
    ((LogsBatch) exporter("rec/alerts").pushed().get(0))
        .forEachRecord(
            (rl, sl, r) -> {
              assertThat(r.attributes().get("alert.severity")).isIn("critical", "warning");
              assertThat(rl.resource().attributes().get("service.name")).isEqualTo("till-7");
            });
    assertThat(
            metrics.counterValue(
                "stacklens_processor_incoming_records_total",
                "processor",
                "route",
                "pipeline",
                "logs"))
        .isEqualTo(6);
    assertThat(
            metrics.counterValue(
                "stacklens_processor_outgoing_records_total",
                "processor",
                "route",
                "pipeline",
                "logs"))
        .isEqualTo(6);
    assertThat(
            metrics.counterValue(
                RouteProcessor.ROUTED, "processor", "route", "pipeline", "logs", "route", "alerts"))
        .isEqualTo(2);
    assertThat(
            metrics.counterValue(
                RouteProcessor.ROUTED,
                "processor",
                "route",
                "pipeline",
                "logs",
                "route",
                "default"))
        .isEqualTo(3);
    assertThat(
            metrics.counterValue(
                "stacklens_processor_rule_matches_total",
                "processor",
                "rules",
                "pipeline",
                "logs",
                "issue_code",
                "DATABASE_ERROR"))
        .isEqualTo(1);
  }

  @Test
  void oneRouteProcessorInTwoPipelinesRoutesEachPipelinesRecords() throws Exception {
    Service service =
        start(
            """
        receivers: { feed/a: , feed/b: }
        processors:
          route:
            routes:
              - { when: severity_number >= 17, exporters: [rec/errors] }
        exporters: { rec/errors: , rec/a: , rec/b: }
        service:
          shutdown_timeout: 10s
          pipelines:
            logs/a: { receivers: [feed/a], processors: [route], exporters: [rec/errors] }
            logs/b: { receivers: [feed/b], processors: [route], exporters: [rec/errors] }
            logs/plain-a: { receivers: [feed/a], exporters: [rec/a] }
            logs/plain-b: { receivers: [feed/b], exporters: [rec/b] }
        """);
    feed("feed/a", batch(rec("a-info"), rec("a-error").setSeverityNumber(17)));
    feed("feed/b", batch(rec("b-error").setSeverityNumber(21), rec("b-info"), rec("b-info2")));
    service.shutdown();

    assertThat(exporter("rec/errors").bodies()).containsExactlyInAnyOrder("a-error", "b-error");
    assertThat(exporter("rec/a").bodies()).containsExactly("a-info", "a-error");
    assertThat(exporter("rec/b").bodies()).containsExactly("b-error", "b-info", "b-info2");
    assertThat(
            metrics.counterValue(
                ComponentContext.PROCESSOR_DROPPED,
                "processor",
                "route",
                "pipeline",
                "logs/a",
                "reason",
                "no_route"))
        .isEqualTo(1);
    assertThat(
            metrics.counterValue(
                ComponentContext.PROCESSOR_DROPPED,
                "processor",
                "route",
                "pipeline",
                "logs/b",
                "reason",
                "no_route"))
        .isEqualTo(2);
    assertThat(
            metrics.counterValue(
                "stacklens_processor_outgoing_records_total",
                "processor",
                "route",
                "pipeline",
                "logs/b"))
        .isEqualTo(1);
  }
}
