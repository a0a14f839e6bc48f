package io.stacklens.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.Admission;
import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.DeclaredProcessorFactory;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.config.AgentConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.StubFactories;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Service#reload}: what a reload keeps, what it rebuilds, in which order, and that what was
 * acknowledged before it goes where the old config sent it.
 */
class ServiceReloadTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The settings of the {@code tag} processor: the value it writes into attribute "tag". */
  public static final class TagSettings implements ComponentConfig {
    public String value = "";
  }

  /** What happened, in order: "create receiver", "create rec/a#1", "shutdown rec/a#1", ... */
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** Every exporter built, as "id#generation". */
  private final Map<String, RecordingExporter> built =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The inputs each receiver creation got, in order. */
  private final List<Map<Signal, Consumer>> receiverInputs = new CopyOnWriteArrayList<>();

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final HealthRegistry health = new HealthRegistry();
  private final ComponentRegistry registry =
      ComponentRegistry.of(
          StubFactories.receiver(
              "in",
              (context, consumers) -> {
                events.add("create receiver " + context.id());
                receiverInputs.add(consumers);
              }),
          tagProcessor(),
          recordingExporters(),
          StubFactories.exporter("broken"));
  private Service service;

  private ExporterFactory<ExporterConfig> recordingExporters() {
    return StubFactories.exporter(
        "rec",
        ExporterConfig.class,
        ExporterConfig::new,
        context -> {
          String name = context.id() + "#" + (generations(context.id()) + 1);
          events.add("create " + name);
          RecordingExporter recording = new RecordingExporter();
          built.put(name, recording);
          return new Exporter() {
            @Override
            public void start(Host host) {
              recording.start(host);
            }

            @Override
            public void push(Batch batch) throws ExportException {
              recording.push(batch);
            }

            @Override
            public void shutdown(Instant deadline) {
              events.add("shutdown " + name);
              recording.shutdown(deadline);
            }
          };
        });
  }

  private long generations(ComponentId id) {
    return built.keySet().stream().filter(k -> k.startsWith(id + "#")).count();
  }

  private static DeclaredProcessorFactory<TagSettings> tagProcessor() {
    return new DeclaredProcessorFactory<>(
        "tag",
        Stability.DEVELOPMENT,
        EnumSet.of(Signal.LOGS),
        "Test: sets attribute tag",
        TagSettings::new,
        (context, config, signal) ->
            batch -> {
              for (var rl : ((LogsBatch) batch).resourceLogs()) {
                for (var sl : rl.scopeLogs()) {
                  for (LogRecord r : sl.logRecords()) r.attributes().put("tag", config.value);
                }
              }
              return batch;
            }) {};
  }

  private AgentConfig load(String yaml) {
    LoadResult loaded = new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
    assertThat(loaded.problems()).isEmpty();
    return loaded.config().orElseThrow();
  }

  private static String config(String processors, String exporters, String pipelineExporters) {
    return """
        receivers:
          in:
        processors:
        %s
        exporters:
        %s
        service:
          shutdown_timeout: 10s
          pipelines:
            logs: { receivers: [in], processors: [tag], exporters: %s }
        """
        .formatted(processors.indent(2), exporters.indent(2), pipelineExporters);
  }

  private static final String REC_A = "rec/a: { batch: { flush_timeout: 10ms } }";

  private void start(String yaml) throws Exception {
    service = Service.build(load(yaml), registry, metrics, health);
    service.start();
  }

  @AfterEach
  void stop() {
    if (service != null) service.shutdown();
  }

  private Admission send(Map<Signal, Consumer> inputs, String prefix) {
    return inputs.get(Signal.LOGS).consume(TestBatches.logs(prefix, 5));
  }

  private static List<String> tags(RecordingExporter exporter) {
    List<String> tags = new ArrayList<>();
    for (Batch b : exporter.pushed()) {
      for (var rl : ((LogsBatch) b).resourceLogs()) {
        for (var sl : rl.scopeLogs()) {
          for (LogRecord r : sl.logRecords()) {
            tags.add(r.body() + "=" + r.attributes().get("tag"));
          }
        }
      }
    }
    return tags;
  }

  @Test
  void aChangedProcessorRebuildsThePipelineWhileTheReceiverAndExporterKeepRunning()
      throws Exception {
    start(config("tag: { value: one }", REC_A, "[rec/a]"));
    Map<Signal, Consumer> inputs = receiverInputs.get(0);
    assertThat(send(inputs, "before")).isEqualTo(Admission.ACCEPTED);

    ReloadResult result = service.reload(load(config("tag: { value: two }", REC_A, "[rec/a]")));

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    assertThat(result.changes()).containsExactly("pipeline logs: rebuilt (processor tag changed)");
    assertThat(send(inputs, "after")).isEqualTo(Admission.ACCEPTED);
    RecordingExporter a = built.get("rec/a#1");
    await().atMost(WAIT).until(() -> a.recordCount() == 10);
    assertThat(tags(a))
        .containsExactlyInAnyOrder(
            "before-0=one",
            "before-1=one",
            "before-2=one",
            "before-3=one",
            "before-4=one",
            "after-0=two",
            "after-1=two",
            "after-2=two",
            "after-3=two",
            "after-4=two");
    assertThat(events).containsOnlyOnce("create receiver in").doesNotContain("create rec/a#2");
    assertThat(service.config().processors().toString()).isNotEmpty();
  }

  @Test
  void anAddedExporterGetsWhatIsSentAfterTheReloadAndTheOldPipelineDrainsIntoTheKeptOne()
      throws Exception {
    start(config("tag: { value: one }", REC_A, "[rec/a]"));
    Map<Signal, Consumer> inputs = receiverInputs.get(0);
    RecordingExporter a = built.get("rec/a#1");
    a.block(); // what the old pipeline holds must still reach rec/a after the reload
    assertThat(send(inputs, "before")).isEqualTo(Admission.ACCEPTED);

    ReloadResult[] result = new ReloadResult[1];
    Thread reload =
        new Thread(
            () ->
                result[0] =
                    service.reload(
                        load(
                            config(
                                "tag: { value: one }",
                                REC_A + "\nrec/b: { batch: { flush_timeout: 10ms } }",
                                "[rec/a, rec/b]"))));
    reload.start();
    Thread.sleep(500); // the reload waits for the old pipeline, which waits for rec/a
    a.unblock();
    reload.join(WAIT.toMillis());

    assertThat(result[0].outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    assertThat(result[0].changes())
        .containsExactly("exporter rec/b: added", "pipeline logs: rebuilt (exporter rec/b added)");
    assertThat(send(inputs, "after")).isEqualTo(Admission.ACCEPTED);
    RecordingExporter b = built.get("rec/b#1");
    await().atMost(WAIT).until(() -> a.recordCount() == 10 && b.recordCount() == 5);
    assertThat(b.bodies()).allMatch(body -> body.toString().startsWith("after-"));
    assertThat(events).containsOnlyOnce("create receiver in");
  }

  @Test
  void anExporterRebuiltUnderItsOwnNameStopsBeforeItsSuccessorStartsAndDeliversWhatItHeld()
      throws Exception {
    start(config("tag: { value: one }", REC_A, "[rec/a]"));
    Map<Signal, Consumer> inputs = receiverInputs.get(0);
    assertThat(send(inputs, "before")).isEqualTo(Admission.ACCEPTED);

    ReloadResult result =
        service.reload(
            load(
                config(
                    "tag: { value: one }",
                    "rec/a: { batch: { flush_timeout: 20ms } }",
                    "[rec/a]")));

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    assertThat(result.changes())
        .containsExactly(
            "exporter rec/a: rebuilt (settings changed)",
            "pipeline logs: rebuilt (exporter rec/a rebuilt)");
    assertThat(events).containsSubsequence("shutdown rec/a#1", "create rec/a#2");
    assertThat(built.get("rec/a#1").recordCount()).isEqualTo(5);
    assertThat(send(inputs, "after")).isEqualTo(Admission.ACCEPTED);
    await().atMost(WAIT).until(() -> built.get("rec/a#2").recordCount() == 5);
    assertThat(events).containsOnlyOnce("create receiver in");
  }

  @Test
  void aConfigWhoseComponentCannotBeBuiltChangesNothing() throws Exception {
    String running = config("tag: { value: one }", REC_A, "[rec/a]");
    start(running);
    Map<Signal, Consumer> inputs = receiverInputs.get(0);

    ReloadResult result =
        service.reload(load(config("tag: { value: two }", REC_A + "\nbroken:", "[rec/a, broken]")));

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
    assertThat(result.message())
        .contains("exporters.broken: cannot be created")
        .contains("the running config stays");
    assertThat(send(inputs, "still")).isEqualTo(Admission.ACCEPTED);
    await().atMost(WAIT).until(() -> built.get("rec/a#1").recordCount() == 5);
    assertThat(tags(built.get("rec/a#1"))).allMatch(t -> t.endsWith("=one"));
    assertThat(service.config().exporters()).doesNotContainKey(ComponentId.parse("broken"));
  }

  @Test
  void settingsOnlyARestartAppliesAreRefusedByName() throws Exception {
    start(config("tag: { value: one }", REC_A, "[rec/a]"));
    String next =
        config("tag: { value: two }", REC_A, "[rec/a]")
            .replace("service:\n", "service:\n  data_dir: elsewhere\n");

    ReloadResult result = service.reload(load(next));

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.INVALID);
    assertThat(result.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("service.data_dir");
              assertThat(p.message()).contains("running: data, new: elsewhere").contains("restart");
            });
    assertThat(events).containsOnlyOnce("create receiver in");
  }

  @Test
  void theSameConfigAgainChangesNothing() throws Exception {
    String yaml = config("tag: { value: one }", REC_A, "[rec/a]");
    start(yaml);

    ReloadResult result = service.reload(load(yaml));

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
    assertThat(events).containsExactly("create rec/a#1", "create receiver in");
  }

  @Test
  void aRemovedPipelineAndExporterAreStoppedAndForgotten() throws Exception {
    String two =
        """
        receivers:
          in:
        processors:
          tag: { value: one }
        exporters:
          rec/a:
          rec/t:
        service:
          pipelines:
            logs: { receivers: [in], processors: [tag], exporters: [rec/a] }
            traces: { receivers: [in], exporters: [rec/t] }
        """;
    start(two);
    assertThat(metrics.toPrometheusText()).contains("pipeline=\"traces\"");

    ReloadResult result =
        service.reload(
            load(
                two.replace("    traces: { receivers: [in], exporters: [rec/t] }\n", "")
                    .replace("  rec/t:\n", "")));

    assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    // The receiver fed two signals and now one: it is rebuilt with the new set of inputs.
    assertThat(result.changes())
        .containsExactly(
            "exporter rec/t: removed",
            "pipeline traces: removed",
            "receiver in: rebuilt (now feeds logs)");
    assertThat(events).contains("shutdown rec/t#1").doesNotContain("shutdown rec/a#1");
    assertThat(receiverInputs.get(1)).containsOnlyKeys(Signal.LOGS);
    assertThat(metrics.toPrometheusText())
        .doesNotContain("stacklens_pipeline_ring_records{pipeline=\"traces\"}")
        .doesNotContain("stacklens_exporter_queue_size{exporter=\"rec/t\"}");
    assertThat(health.components())
        .noneMatch(c -> c.kind() == ComponentKind.EXPORTER && c.id().toString().equals("rec/t"));
  }
}
