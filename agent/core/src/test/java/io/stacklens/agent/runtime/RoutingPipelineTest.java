package io.stacklens.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.RoutingProcessor;
import io.stacklens.agent.config.WaitStrategy;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A routing processor as the last stage: each part reaches only the exporters it names. */
class RoutingPipelineTest {
  private static final ComponentId ERRORS = ComponentId.parse("rec/errors");
  private static final ComponentId ALL = ComponentId.parse("rec/all");
  private static final ComponentId IDLE = ComponentId.parse("rec/idle");

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final HealthRegistry host = new HealthRegistry();
  private final List<ExporterRunner> runners = new ArrayList<>();
  private final List<Pipeline> pipelines = new ArrayList<>();

  @AfterEach
  void stop() {
    for (Pipeline p : pipelines) p.shutdown(Instant.now().plusSeconds(5));
    for (ExporterRunner r : runners) r.shutdown(Instant.now().plusSeconds(5));
  }

  private ExporterRunner runner(RecordingExporter exporter, ComponentId id) throws Exception {
    ExporterConfig c = new ExporterConfig();
    c.batch.enabled = false;
    ExporterRunner r =
        new ExporterRunner(ComponentContext.of(id, ComponentKind.EXPORTER, metrics), exporter, c);
    r.start(host);
    runners.add(r);
    return r;
  }

  /**
   * Routes each record by the destination its body names: "err-*" to errors, "both-*" to errors and
   * all, "none-*" nowhere (dropped), anything else to all. One part per distinct destination.
   */
  private static final class BodyRouter implements RoutingProcessor {
    final Function<String, List<ComponentId>> destination;

    BodyRouter(Function<String, List<ComponentId>> destination) {
      this.destination = destination;
    }

    @Override
    public void route(Batch batch, RouteSink sink) {
      Map<List<ComponentId>, LogsBatch> parts = new LinkedHashMap<>();
      ((LogsBatch) batch)
          .forEachRecord(
              (rl, sl, r) -> {
                List<ComponentId> to = destination.apply(r.body().toString());
                if (to.isEmpty()) return;
                LogsBatch part =
                    parts.computeIfAbsent(
                        to,
                        k -> {
                          LogsBatch b = new LogsBatch();
                          b.resourceLogs()
                              .add(
                                  new ResourceLogs(
                                      rl.resource(),
                                      new ArrayList<>(
                                          List.of(new ScopeLogs(sl.scope(), new ArrayList<>())))));
                          return b;
                        });
                part.resourceLogs().get(0).scopeLogs().get(0).logRecords().add(r);
              });
      parts.forEach((to, part) -> sink.send(part, to));
    }
  }

  private static List<ComponentId> byPrefix(String body) {
    if (body.startsWith("err")) return List.of(ERRORS);
    if (body.startsWith("both")) return List.of(ERRORS, ALL);
    if (body.startsWith("none")) return List.of();
    if (body.startsWith("ghost")) return List.of(ComponentId.parse("rec/ghost"), ALL);
    return List.of(ALL);
  }

  private static LogsBatch batch(String... bodies) {
    LogsBatch b = TestBatches.logs("x", 0);
    List<LogRecord> records = b.resourceLogs().get(0).scopeLogs().get(0).logRecords();
    for (String body : bodies) records.add(new LogRecord().setBody(body));
    return b;
  }

  private Pipeline pipeline(
      String name, List<Pipeline.Stage> stages, Map<ComponentId, ExporterRunner> exporters)
      throws Exception {
    Pipeline p =
        new Pipeline(
            name, 8, 100_000, WaitStrategy.PARK, stages, List.copyOf(exporters.values()), metrics);
    p.start(host);
    pipelines.add(p);
    return p;
  }

  private long counter(String name, String... labels) {
    return metrics.counterValue(name, labels);
  }

  @Test
  void eachExporterGetsOnlyWhatIsRoutedToItAndRecordsSentTwiceCountOnceOut() throws Exception {
    RecordingExporter errors = new RecordingExporter();
    RecordingExporter all = new RecordingExporter();
    RecordingExporter idle = new RecordingExporter();
    Map<ComponentId, ExporterRunner> exporters = new LinkedHashMap<>();
    exporters.put(ALL, runner(all, ALL));
    exporters.put(ERRORS, runner(errors, ERRORS));
    exporters.put(IDLE, runner(idle, IDLE));
    Processor tag =
        b -> {
          ((LogsBatch) b).forEachRecord(r -> r.attributes().put("tagged", true));
          return b;
        };
    Pipeline p =
        pipeline(
            "logs",
            List.of(
                new Pipeline.Stage(ComponentId.of("tag"), tag),
                new Pipeline.Stage(
                    ComponentId.of("router"), new BodyRouter(RoutingPipelineTest::byPrefix))),
            exporters);

    p.consume(batch("ok-1", "err-1", "both-1", "ok-2", "none-1", "err-2"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> errors.recordCount() == 3 && all.recordCount() == 3);
    assertThat(errors.bodies()).containsExactlyInAnyOrder("err-1", "err-2", "both-1");
    assertThat(all.bodies()).containsExactlyInAnyOrder("ok-1", "ok-2", "both-1");
    ((LogsBatch) all.pushed().get(0))
        .forEachRecord(r -> assertThat(r.attributes().get("tagged")).isEqualTo(true));
    assertThat(
            counter(
                "stacklens_processor_incoming_records_total",
                "processor",
                "router",
                "pipeline",
                "logs"))
        .isEqualTo(6);
    // both-1 went to two exporters but is one record out; none-1 went nowhere
    assertThat(
            counter(
                "stacklens_processor_outgoing_records_total",
                "processor",
                "router",
                "pipeline",
                "logs"))
        .isEqualTo(5);
    assertThat(
            counter(
                "stacklens_processor_incoming_records_total",
                "processor",
                "tag",
                "pipeline",
                "logs"))
        .isEqualTo(6);
    assertThat(
            counter(
                "stacklens_processor_outgoing_records_total",
                "processor",
                "tag",
                "pipeline",
                "logs"))
        .isEqualTo(6);
    Thread.sleep(50);
    assertThat(idle.recordCount()).isZero();
  }

  @Test
  void oneRouterInTwoPipelinesSendsEachPipelinesRecordsToItsOwnExporters() throws Exception {
    RecordingExporter errors = new RecordingExporter();
    RecordingExporter all = new RecordingExporter();
    ExporterRunner errorsRunner = runner(errors, ERRORS);
    ExporterRunner allRunner = runner(all, ALL);
    Pipeline first =
        pipeline(
            "logs/a",
            List.of(
                new Pipeline.Stage(
                    ComponentId.of("router"), new BodyRouter(RoutingPipelineTest::byPrefix))),
            new LinkedHashMap<>(Map.of(ERRORS, errorsRunner, ALL, allRunner)));
    Pipeline second =
        pipeline(
            "logs/b",
            List.of(
                new Pipeline.Stage(
                    ComponentId.of("router"), new BodyRouter(RoutingPipelineTest::byPrefix))),
            new LinkedHashMap<>(Map.of(ERRORS, errorsRunner, ALL, allRunner)));

    first.consume(batch("a-ok", "err-a"));
    second.consume(batch("b-ok", "b-ok2", "err-b"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> errors.recordCount() == 2 && all.recordCount() == 3);
    assertThat(errors.bodies()).containsExactlyInAnyOrder("err-a", "err-b");
    assertThat(all.bodies()).containsExactlyInAnyOrder("a-ok", "b-ok", "b-ok2");
    assertThat(
            counter(
                "stacklens_processor_outgoing_records_total",
                "processor",
                "router",
                "pipeline",
                "logs/a"))
        .isEqualTo(2);
    assertThat(
            counter(
                "stacklens_processor_outgoing_records_total",
                "processor",
                "router",
                "pipeline",
                "logs/b"))
        .isEqualTo(3);
  }

  @Test
  void aPartNamingAnExporterOutsideThePipelineIsCountedAndStillReachesTheOthers() throws Exception {
    RecordingExporter all = new RecordingExporter();
    Pipeline p =
        pipeline(
            "logs",
            List.of(
                new Pipeline.Stage(
                    ComponentId.of("router"), new BodyRouter(RoutingPipelineTest::byPrefix))),
            Map.of(ALL, runner(all, ALL)));

    p.consume(batch("ghost-1", "ghost-2"));

    await().atMost(Duration.ofSeconds(5)).until(() -> all.recordCount() == 2);
    assertThat(
            counter(
                "stacklens_pipeline_dropped_records_total",
                "pipeline",
                "logs",
                "reason",
                "unknown_route_target"))
        .isEqualTo(2);
  }

  @Test
  void aRouterThatThrowsLosesOnlyWhatItHadNotSentAndCountsIt() throws Exception {
    RecordingExporter all = new RecordingExporter();
    RoutingProcessor halfThenFail =
        new RoutingProcessor() {
          @Override
          public void route(Batch batch, RouteSink sink) {
            LogsBatch logs = (LogsBatch) batch;
            List<LogRecord> records = logs.resourceLogs().get(0).scopeLogs().get(0).logRecords();
            LogsBatch first = TestBatches.logs("x", 0);
            first.resourceLogs().get(0).scopeLogs().get(0).logRecords().add(records.get(0));
            sink.send(first, List.of(ALL));
            throw new IllegalStateException("boom");
          }
        };
    Pipeline p =
        pipeline(
            "logs",
            List.of(new Pipeline.Stage(ComponentId.of("router"), halfThenFail)),
            Map.of(ALL, runner(all, ALL)));

    p.consume(batch("a", "b", "c"));

    await().atMost(Duration.ofSeconds(5)).until(() -> all.recordCount() == 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                counter(
                        "stacklens_processor_dropped_records_total",
                        "processor",
                        "router",
                        "pipeline",
                        "logs",
                        "reason",
                        "processor_error")
                    == 2);
    assertThat(
            counter(
                "stacklens_processor_outgoing_records_total",
                "processor",
                "router",
                "pipeline",
                "logs"))
        .isEqualTo(1);
    // the worker survives: the next batch is routed
    p.consume(batch("d"));
    await().atMost(Duration.ofSeconds(5)).until(() -> all.recordCount() == 2);
  }
}
