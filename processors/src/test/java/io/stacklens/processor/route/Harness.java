package io.stacklens.processor.route;

import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.data.Signal;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.agent.testing.StubFactories;
import io.stacklens.processor.rules.RulesProcessorFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test components for loading and running configs with the real route and rules processors: a
 * {@code feed} receiver whose consumers tests call directly, and a {@code rec} exporter that
 * records what it gets (one {@link RecordingExporter} per exporter id).
 */
public final class Harness {
  /** The consumers the {@code feed} receivers were given, by receiver id. */
  public final Map<String, Map<Signal, Consumer>> feeds = new ConcurrentHashMap<>();

  /** The exporters the {@code rec} factory built, by exporter id. */
  public final Map<String, RecordingExporter> exporters = new ConcurrentHashMap<>();

  public ComponentRegistry registry() {
    return ComponentRegistry.of(
        StubFactories.receiver(
            "feed", (context, consumers) -> feeds.put(context.id().toString(), consumers)),
        StubFactories.exporter(
            "rec",
            RecConfig.class,
            RecConfig::new,
            context -> {
              RecordingExporter e = new RecordingExporter();
              exporters.put(context.id().toString(), e);
              return e;
            }),
        new RouteProcessorFactory(),
        new RulesProcessorFactory());
  }

  public LoadResult load(String yaml) {
    return new ConfigLoader(registry(), Map.of()).loadString(yaml, "agent.yaml");
  }

  public static List<String> printed(LoadResult result) {
    return result.problems().stream().map(ConfigProblem::toString).toList();
  }

  /** The {@code rec} exporters' settings: no batching, so each batch is recorded as it is sent. */
  public static final class RecConfig extends ExporterConfig {
    public RecConfig() {
      batch.enabled = false;
    }
  }
}
