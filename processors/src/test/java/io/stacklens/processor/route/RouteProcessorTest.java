package io.stacklens.processor.route;

import static io.stacklens.processor.route.Harness.printed;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteProcessorTest {
  private static final ComponentId DLQ = ComponentId.parse("rec/dlq");
  private static final ComponentId PARTIAL = ComponentId.parse("rec/partial");
  private static final ComponentId COMPLETE = ComponentId.parse("rec/complete");

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final Harness harness = new Harness();

  record Sent(LogsBatch part, List<ComponentId> exporters) {
    List<Object> bodies() {
      List<Object> out = new ArrayList<>();
      part.forEachRecord(r -> out.add(r.body()));
      return out;
    }
  }

  /**
   * Loads {@code processorYaml} as processor {@code route} of pipeline logs with exporters dlq,
   * partial, complete.
   */
  private RouteProcessorConfig config(String processorYaml) {
    LoadResult result = harness.load(yaml(processorYaml, "[rec/dlq, rec/partial, rec/complete]"));
    assertThat(result.errors()).isEmpty();
    return (RouteProcessorConfig)
        result.config().orElseThrow().processors().get(ComponentId.of("route"));
  }

  private static String yaml(String processorYaml, String exporters) {
    return """
        receivers: { feed: }
        processors:
          route:
        %s
        exporters: { rec/dlq: , rec/partial: , rec/complete: }
        service:
          pipelines:
            logs: { receivers: [feed], processors: [route], exporters: %s }
        """
        .formatted(processorYaml.stripIndent().indent(4).stripTrailing(), exporters);
  }

  private RouteProcessor processor(String processorYaml) throws Exception {
    return (RouteProcessor)
        new RouteProcessorFactory()
            .createProcessor(
                ComponentContext.ofProcessor(ComponentId.of("route"), "logs", metrics),
                config(processorYaml),
                Signal.LOGS);
  }

  private static List<Sent> route(RouteProcessor p, Batch batch) {
    List<Sent> sent = new ArrayList<>();
    p.route(batch, (part, exporters) -> sent.add(new Sent((LogsBatch) part, exporters)));
    return sent;
  }

  private static LogRecord rec(String body, Object... attributes) {
    return new LogRecord(Attributes.of(attributes)).setBody(body);
  }

  private static LogsBatch batch(LogRecord... records) {
    ResourceLogs rl = new ResourceLogs();
    rl.resource().attributes().put("service.name", "pos");
    ScopeLogs sl = new ScopeLogs();
    sl.scope().setName("checkout");
    rl.scopeLogs().add(sl);
    sl.logRecords().addAll(List.of(records));
    LogsBatch b = new LogsBatch();
    b.resourceLogs().add(rl);
    return b;
  }

  private long routed(String route) {
    return metrics.counterValue(
        RouteProcessor.ROUTED, "processor", "route", "pipeline", "logs", "route", route);
  }

  private long noRoute() {
    return metrics.counterValue(
        ComponentContext.PROCESSOR_DROPPED,
        "processor",
        "route",
        "pipeline",
        "logs",
        "reason",
        "no_route");
  }

  private static final String ISSUE_EXAMPLE =
      """
      routes:
        - name: dlq
          when: parse.error exists
          exporters: [rec/dlq]
        - name: partial
          when: enrichment.errors exists
          exporters: [rec/partial]
      default: [rec/complete]
      """;

  @Test
  void firstMatchSendsEachRecordToTheFirstRouteItMatchesAndTheRestToDefault() throws Exception {
    RouteProcessor p = processor(ISSUE_EXAMPLE);
    List<Sent> sent =
        route(
            p,
            batch(
                rec("ok-1"),
                rec("bad-json", "parse.error", "unexpected end"),
                rec("no-geo", "enrichment.errors", "geoip: not found"),
                rec("both", "parse.error", "x", "enrichment.errors", "y"),
                rec("ok-2")));

    assertThat(sent).hasSize(3);
    assertThat(sent)
        .filteredOn(s -> s.exporters().equals(List.of(COMPLETE)))
        .singleElement()
        .satisfies(s -> assertThat(s.bodies()).containsExactly("ok-1", "ok-2"));
    assertThat(sent)
        .filteredOn(s -> s.exporters().equals(List.of(DLQ)))
        .singleElement()
        .satisfies(s -> assertThat(s.bodies()).containsExactly("bad-json", "both"));
    assertThat(sent)
        .filteredOn(s -> s.exporters().equals(List.of(PARTIAL)))
        .singleElement()
        .satisfies(s -> assertThat(s.bodies()).containsExactly("no-geo"));
    assertThat(routed("dlq")).isEqualTo(2);
    assertThat(routed("partial")).isEqualTo(1);
    assertThat(routed("default")).isEqualTo(2);
    assertThat(noRoute()).isZero();
  }

  @Test
  void matchAllSendsARecordToTheUnionOfItsRoutesExportersOncePerDistinctSet() throws Exception {
    RouteProcessor p =
        processor(
            """
        match: all
        routes:
          - name: errors
            when: severity_number >= 17
            exporters: [rec/dlq, rec/complete]
          - name: checkout
            when: attributes["area"] == "checkout"
            exporters: [rec/partial, rec/complete]
        default: [rec/complete]
        """);
    List<Sent> sent =
        route(
            p,
            batch(
                rec("plain"),
                rec("error").setSeverityNumber(17),
                rec("checkout", "area", "checkout"),
                rec("checkout-error", "area", "checkout").setSeverityNumber(21),
                rec("plain-2")));

    assertThat(sent)
        .extracting(Sent::exporters)
        .containsExactlyInAnyOrder(
            List.of(COMPLETE),
            List.of(DLQ, COMPLETE),
            List.of(PARTIAL, COMPLETE),
            List.of(DLQ, COMPLETE, PARTIAL));
    assertThat(sent)
        .filteredOn(s -> s.exporters().equals(List.of(DLQ, COMPLETE, PARTIAL)))
        .singleElement()
        .satisfies(s -> assertThat(s.bodies()).containsExactly("checkout-error"));
    assertThat(sent)
        .filteredOn(s -> s.exporters().equals(List.of(COMPLETE)))
        .singleElement()
        .satisfies(s -> assertThat(s.bodies()).containsExactly("plain", "plain-2"));
    assertThat(routed("errors")).isEqualTo(2);
    assertThat(routed("checkout")).isEqualTo(2);
    assertThat(routed("default")).isEqualTo(2);
  }

  @Test
  void withoutADefaultUnmatchedRecordsAreDroppedAndCounted() throws Exception {
    RouteProcessor p =
        processor(
            """
        routes:
          - when: parse.error exists
            exporters: [rec/dlq]
          - when: severity_text == "never"
            exporters: [rec/partial, rec/complete]
        """);
    List<Sent> sent = route(p, batch(rec("a"), rec("b", "parse.error", "x"), rec("c")));
    assertThat(sent)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.exporters()).containsExactly(DLQ);
              assertThat(s.bodies()).containsExactly("b");
            });
    assertThat(noRoute()).isEqualTo(2);
    assertThat(routed("routes[0]")).isEqualTo(1);

    // A batch where nothing matches sends nothing at all.
    assertThat(route(p, batch(rec("d"), rec("e")))).isEmpty();
    assertThat(noRoute()).isEqualTo(4);
  }

  @Test
  void aBatchGoingWhollyToOneDestinationIsSentAsIs() throws Exception {
    RouteProcessor p = processor(ISSUE_EXAMPLE);
    LogsBatch b = batch(rec("ok-1"), rec("ok-2"));
    List<Sent> sent = route(p, b);
    assertThat(sent)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.part()).isSameAs(b);
              assertThat(s.exporters()).containsExactly(COMPLETE);
            });
  }

  @Test
  void routesWithTheSameExportersShareOnePart() throws Exception {
    RouteProcessor p =
        processor(
            """
        routes:
          - name: a
            when: attributes["k"] == "a"
            exporters: [rec/dlq, rec/partial]
          - name: b
            when: attributes["k"] == "b"
            exporters: [rec/partial, rec/dlq]
        default: [rec/complete]
        """);
    List<Sent> sent = route(p, batch(rec("1", "k", "a"), rec("2"), rec("3", "k", "b")));
    assertThat(sent).hasSize(2);
    assertThat(sent)
        .filteredOn(s -> s.exporters().contains(DLQ))
        .singleElement()
        .satisfies(s -> assertThat(s.bodies()).containsExactly("1", "3"));
  }

  @Test
  void partsKeepTheResourceAndScopeStructureAndShareTheOriginalObjects() throws Exception {
    RouteProcessor p = processor(ISSUE_EXAMPLE);
    LogsBatch b = new LogsBatch();
    for (String service : List.of("svc-a", "svc-b")) {
      ResourceLogs rl = new ResourceLogs();
      rl.resource().attributes().put("service.name", service);
      rl.setSchemaUrl("https://schema/" + service);
      for (String scope : List.of("s1", "s2")) {
        ScopeLogs sl = new ScopeLogs();
        sl.scope().setName(scope);
        sl.setSchemaUrl("https://scope/" + scope);
        sl.logRecords().add(rec(service + "/" + scope + "/ok"));
        sl.logRecords().add(rec(service + "/" + scope + "/bad", "parse.error", "x"));
        sl.logRecords().add(rec(service + "/" + scope + "/ok2"));
        rl.scopeLogs().add(sl);
      }
      b.resourceLogs().add(rl);
    }
    LogRecord firstBad = b.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(1);

    List<Sent> sent = route(p, b);

    assertThat(sent).hasSize(2);
    LogsBatch dlq =
        sent.stream()
            .filter(s -> s.exporters().equals(List.of(DLQ)))
            .findFirst()
            .orElseThrow()
            .part();
    LogsBatch complete =
        sent.stream()
            .filter(s -> s.exporters().equals(List.of(COMPLETE)))
            .findFirst()
            .orElseThrow()
            .part();
    for (LogsBatch part : List.of(dlq, complete)) {
      assertThat(part.resourceLogs()).hasSize(2);
      for (int r = 0; r < 2; r++) {
        ResourceLogs rl = part.resourceLogs().get(r);
        assertThat(rl.resource()).isSameAs(b.resourceLogs().get(r).resource());
        assertThat(rl.schemaUrl()).isEqualTo(b.resourceLogs().get(r).schemaUrl());
        assertThat(rl.scopeLogs()).hasSize(2);
        for (int s = 0; s < 2; s++) {
          assertThat(rl.scopeLogs().get(s).scope())
              .isSameAs(b.resourceLogs().get(r).scopeLogs().get(s).scope());
          assertThat(rl.scopeLogs().get(s).schemaUrl())
              .isEqualTo(b.resourceLogs().get(r).scopeLogs().get(s).schemaUrl());
        }
      }
    }
    assertThat(complete.resourceLogs().get(1).scopeLogs().get(0).logRecords())
        .extracting(LogRecord::body)
        .containsExactly("svc-b/s1/ok", "svc-b/s1/ok2");
    assertThat(dlq.resourceLogs().get(0).scopeLogs().get(0).logRecords().get(0)).isSameAs(firstBad);
    assertThat(dlq.recordCount()).isEqualTo(4);
    assertThat(complete.recordCount()).isEqualTo(8);
    // the input batch is left as it was
    assertThat(b.recordCount()).isEqualTo(12);
  }

  @Test
  void aRecordOnlyInSomeResourcesDoesNotCreateEmptyShells() throws Exception {
    RouteProcessor p = processor(ISSUE_EXAMPLE);
    LogsBatch b = batch(rec("ok"));
    ResourceLogs second = new ResourceLogs();
    ScopeLogs sl = new ScopeLogs();
    sl.logRecords().add(rec("bad", "parse.error", "x"));
    second.scopeLogs().add(sl);
    b.resourceLogs().add(second);

    List<Sent> sent = route(p, b);
    assertThat(sent)
        .hasSize(2)
        .allSatisfy(
            s -> {
              assertThat(s.part().resourceLogs()).hasSize(1);
              assertThat(s.part().resourceLogs().get(0).scopeLogs()).hasSize(1);
            });
  }

  @Test
  void theProcessorIsReusableAcrossBatchesOfDifferentSizes() throws Exception {
    RouteProcessor p = processor(ISSUE_EXAMPLE);
    for (int size : new int[] {3, 3000, 1, 50}) {
      LogRecord[] records = new LogRecord[size];
      for (int i = 0; i < size; i++)
        records[i] = i % 3 == 0 ? rec("bad" + i, "parse.error", "x") : rec("ok" + i);
      List<Sent> sent = route(p, batch(records));
      assertThat(sent.stream().mapToInt(s -> s.part().recordCount()).sum()).isEqualTo(size);
      assertThat(
              sent.stream()
                  .filter(s -> s.exporters().equals(List.of(DLQ)))
                  .mapToInt(s -> s.part().recordCount())
                  .sum())
          .isEqualTo((size + 2) / 3);
    }
  }

  // ---- config errors

  private List<String> problems(String processorYaml) {
    return printed(harness.load(yaml(processorYaml, "[rec/dlq, rec/partial, rec/complete]")));
  }

  @Test
  void aRouteWithoutAConditionOrExportersIsAnErrorAtTheRoute() {
    assertThat(
            problems(
                """
        routes:
          - exporters: [rec/dlq]
          - when: parse.error exists
            exporters: []
        default: [rec/partial, rec/complete]
        """))
        .containsExactly(
            "agent.yaml:5:9: processors.route.routes[0].when: a condition is required",
            "agent.yaml:7:9: processors.route.routes[1].exporters: at least one exporter is required (an exporter of the pipeline)");
  }

  @Test
  void aConditionThatDoesNotCompileIsReportedWithItsColumn() {
    List<String> problems =
        problems(
            """
        routes:
          - when: parse.error exits
            exporters: [rec/dlq]
        default: [rec/partial, rec/complete]
        """);
    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("agent.yaml:5:9: processors.route.routes[0].when: ")
        .contains("column");
  }

  @Test
  void noRoutesIsAnError() {
    assertThat(problems("default: [rec/dlq, rec/partial, rec/complete]"))
        .containsExactly(
            "agent.yaml:3:3: processors.route.routes: at least one route is required, "
                + "e.g. - { when: 'parse.error exists', exporters: [file/dlq] }");
  }

  @Test
  void routeNamesMustBeUniqueAndNotDefault() {
    assertThat(
            problems(
                """
        routes:
          - { name: errors, when: parse.error exists, exporters: [rec/dlq] }
          - { name: errors, when: enrichment.errors exists, exporters: [rec/partial] }
          - { name: default, when: severity_number > 20, exporters: [rec/complete] }
        """))
        .containsExactly(
            "agent.yaml:6:11: processors.route.routes[1].name: 'errors' is already the name of routes[0]; route names must be unique",
            "agent.yaml:7:11: processors.route.routes[2].name: 'default' is the label of records sent to default; choose another name");
  }

  @Test
  void anExporterListedTwiceIsAnError() {
    assertThat(
            problems(
                """
        routes:
          - { when: parse.error exists, exporters: [rec/dlq, rec/dlq] }
        default: [rec/partial, rec/complete, rec/partial]
        """))
        .containsExactly(
            "agent.yaml:5:58: processors.route.routes[0].exporters[1]: 'rec/dlq' is listed more than once",
            "agent.yaml:6:42: processors.route.default[2]: 'rec/partial' is listed more than once");
  }

  @Test
  void aRouteToAnExporterOutsideThePipelineIsAnErrorAtTheRouteNamingThePipeline() {
    LoadResult result =
        harness.load(
            yaml(
                """
        routes:
          - { when: parse.error exists, exporters: [rec/dlq] }
        default: [rec/complete]
        """,
                "[rec/complete, rec/partial]"));
    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:5:49: processors.route.routes[0].exporters[0]: exporter 'rec/dlq' is not an exporter of pipeline "
                + "'logs' (its exporters: rec/complete, rec/partial); add it to service.pipelines.logs.exporters or route to one of those",
            "agent.yaml:7:14: warning: exporters.rec/dlq: defined but not used by any pipeline; add it to a pipeline under "
                + "service.pipelines or remove it",
            "agent.yaml:10:79: warning: service.pipelines.logs.exporters[1]: exporter 'rec/partial' gets no records: "
                + "processor 'route' routes this pipeline's records only to rec/dlq, rec/complete; name it in a route or "
                + "remove it from the pipeline");
  }

  @Test
  void theRouteProcessorMustBeLast() {
    LoadResult result =
        harness.load(
            """
        receivers: { feed: }
        processors:
          route: { routes: [ { when: parse.error exists, exporters: [rec/dlq] } ], default: [rec/complete] }
          rules: { rules: [ { when: error_code == "X", issue_code: X, severity: info } ] }
        exporters: { rec/dlq: , rec/complete: }
        service:
          pipelines:
            logs: { receivers: [feed], processors: [route, rules], exporters: [rec/dlq, rec/complete] }
        """);
    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:8:45: service.pipelines.logs.processors[0]: processor 'route' routes records to exporters, so it "
                + "must be the last processor of pipeline 'logs'; move it after 'rules'");
  }

  @Test
  void theRouteProcessorIsForLogsOnly() {
    LoadResult result =
        harness.load(
            """
        receivers: { feed: }
        processors:
          route: { routes: [ { when: parse.error exists, exporters: [rec/dlq] } ] }
        exporters: { rec/dlq: }
        service:
          pipelines:
            traces: { receivers: [feed], processors: [route], exporters: [rec/dlq] }
        """);
    assertThat(printed(result))
        .anyMatch(
            p ->
                p.contains(
                    "service.pipelines.traces.processors[0]: processor 'route' does not support traces"));
  }
}
