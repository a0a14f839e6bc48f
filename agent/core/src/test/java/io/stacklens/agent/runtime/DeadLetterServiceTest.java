package io.stacklens.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.DeadLetters;
import io.stacklens.agent.api.ExportException;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.exporterhelper.ReceiverDeadLetters;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.DeadLetterReceiverSettings;
import io.stacklens.agent.testing.StubFactories;
import io.stacklens.agent.testing.TestBatches;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A receiver's {@code dead_letter.exporter} in the running service: built even when no pipeline
 * names it, started before the receiver and stopped after it, reached through {@link
 * Host#deadLetters}.
 */
class DeadLetterServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * What happened, in order: "start rec/dlq", "receiver offered ACCEPTED", "shutdown poison", ...
   */
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final List<Batch> deadLetters = new CopyOnWriteArrayList<>();
  private final MetricsRegistry metrics = new MetricsRegistry();

  /** A receiver that, when started, sends one undecodable "message" to its dead-letter exporter. */
  private final class PoisonFactory implements ReceiverFactory<DeadLetterReceiverSettings> {
    @Override
    public String type() {
      return "poison";
    }

    @Override
    public Class<DeadLetterReceiverSettings> configClass() {
      return DeadLetterReceiverSettings.class;
    }

    @Override
    public DeadLetterReceiverSettings createDefaultConfig() {
      return new DeadLetterReceiverSettings();
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return Set.of(Signal.LOGS);
    }

    @Override
    public Receiver createReceiver(
        ComponentContext context,
        DeadLetterReceiverSettings config,
        Map<Signal, Consumer> consumers) {
      return new Receiver() {
        @Override
        public void start(Host host) {
          events.add("start " + context.id());
          DeadLetters dlq = host.deadLetters(context.id(), config.deadLetterExporter());
          events.add(
              "offered "
                  + dlq.offer(TestBatches.logs("poison", 1), "invalid_protobuf", "not a request"));
        }

        @Override
        public void shutdown(Instant deadline) {
          events.add("shutdown " + context.id());
        }
      };
    }
  }

  private Exporter exporter(ComponentContext context) {
    String id = context.id().toString();
    return new Exporter() {
      @Override
      public void start(Host host) {
        events.add("start " + id);
      }

      @Override
      public void push(Batch batch) throws ExportException {
        if (id.equals("rec/dlq")) deadLetters.add(batch);
      }

      @Override
      public void shutdown(Instant deadline) {
        events.add("shutdown " + id);
      }
    };
  }

  @Test
  void aReceiversDeadLetterExporterIsBuiltStartedBeforeAndStoppedAfterItAndTakesItsDeadLetters()
      throws Exception {
    ComponentRegistry registry =
        ComponentRegistry.of(
            new PoisonFactory(),
            StubFactories.exporter(
                "rec", ExporterConfig.class, ExporterConfig::new, this::exporter));
    LoadResult loaded =
        new ConfigLoader(registry, Map.of())
            .loadString(
                """
        receivers:
          poison: { dead_letter: { exporter: rec/dlq } }
        exporters:
          rec/main:
          rec/dlq: { batch: { enabled: false } }
        service:
          pipelines:
            logs: { receivers: [poison], exporters: [rec/main] }
        """,
                "agent.yaml");
    assertThat(loaded.problems()).isEmpty();

    Service service =
        Service.build(loaded.config().orElseThrow(), registry, metrics, new HealthRegistry());
    assertThat(service.exporters())
        .containsKeys(ComponentId.parse("rec/main"), ComponentId.parse("rec/dlq"));
    service.start();
    await().atMost(WAIT).until(() -> deadLetters.size() == 1);
    service.shutdown();

    assertThat(events)
        .containsSubsequence(
            "start rec/dlq",
            "start poison",
            "offered ACCEPTED",
            "shutdown poison",
            "shutdown rec/dlq");
    var resource = ((LogsBatch) deadLetters.get(0)).resourceLogs().get(0).resource().attributes();
    assertThat(resource.get(DeadLetters.RECEIVER)).isEqualTo("poison");
    assertThat(resource.get(DeadLetters.ERROR_REASON)).isEqualTo("invalid_protobuf");
    assertThat(resource.get(DeadLetters.ERROR_MESSAGE)).isEqualTo("not a request");
    assertThat(
            metrics.counterSum(
                ReceiverDeadLetters.METRIC, "receiver", "poison", "dead_letter", "rec/dlq"))
        .isEqualTo(1);
    assertThat(metrics.counterSum("stacklens_exporter_sent_records_total", "exporter", "rec/dlq"))
        .isEqualTo(1);
  }
}
