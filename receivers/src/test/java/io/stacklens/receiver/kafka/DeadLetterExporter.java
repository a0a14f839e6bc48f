package io.stacklens.receiver.kafka;

import io.stacklens.agent.admin.HealthRegistry;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.Batch;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.testing.RecordingExporter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiver's dead-letter exporter in its tests: the real exporter helper (queue, sender
 * threads) over a {@link RecordingExporter}, as the service runs it for {@code
 * dead_letter.exporter: kafka/dlq}.
 */
final class DeadLetterExporter implements AutoCloseable {
  static final ComponentId ID = ComponentId.parse("kafka/dlq");

  final RecordingExporter exporter = new RecordingExporter();
  final ExporterRunner runner;

  /** Not started yet: {@link #start} it (or leave it stopped to see refusals). */
  DeadLetterExporter(int queueSize) {
    ExporterConfig config = new ExporterConfig();
    config.batch.enabled = false;
    config.sendingQueue.queueSize = queueSize;
    ComponentContext context =
        ComponentContext.of(ID, ComponentKind.EXPORTER, new MetricsRegistry());
    runner = new ExporterRunner(context, exporter, config);
  }

  DeadLetterExporter start() throws Exception {
    runner.start(new HealthRegistry());
    return this;
  }

  /** Every dead-letter record delivered, with the resource attributes of its batch. */
  List<Delivered> delivered() {
    List<Delivered> out = new ArrayList<>();
    for (Batch b : exporter.pushed()) {
      ((LogsBatch) b)
          .forEachRecord((rl, sl, r) -> out.add(new Delivered(rl.resource().attributes(), r)));
    }
    return out;
  }

  record Delivered(Attributes resource, LogRecord record) {}

  @Override
  public void close() {
    exporter.unblock();
    runner.shutdown(Instant.now().plusSeconds(10));
  }
}
