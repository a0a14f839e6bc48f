package io.stacklens.processor.route;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.testing.RecordingExporter;
import io.stacklens.processor.rules.RulesProcessorFactory;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test components for loading and running configs with the real route and rules processors: a
 * {@code feed} receiver whose consumers tests call directly, and a {@code rec} exporter that records
 * what it gets (one {@link RecordingExporter} per exporter id).
 */
public final class Harness {
  /** The consumers the {@code feed} receivers were given, by receiver id. */
  public final Map<String, Map<Signal, Consumer>> feeds = new ConcurrentHashMap<>();
  /** The exporters the {@code rec} factory built, by exporter id. */
  public final Map<String, RecordingExporter> exporters = new ConcurrentHashMap<>();

  public ComponentRegistry registry() {
    return ComponentRegistry.of(new FeedFactory(), new RecFactory(), new RouteProcessorFactory(), new RulesProcessorFactory());
  }

  public LoadResult load(String yaml) {
    return new ConfigLoader(registry(), Map.of()).loadString(yaml, "agent.yaml");
  }

  public static List<String> printed(LoadResult result) {
    return result.problems().stream().map(ConfigProblem::toString).toList();
  }

  public static final class FeedConfig implements ComponentConfig {}

  public static final class RecConfig extends ExporterConfig {
    public RecConfig() {
      batch.enabled = false;
    }
  }

  final class FeedFactory implements ReceiverFactory<FeedConfig> {
    @Override
    public String type() {
      return "feed";
    }

    @Override
    public Class<FeedConfig> configClass() {
      return FeedConfig.class;
    }

    @Override
    public FeedConfig createDefaultConfig() {
      return new FeedConfig();
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.allOf(Signal.class);
    }

    @Override
    public Receiver createReceiver(ComponentContext context, FeedConfig config, Map<Signal, Consumer> consumers) {
      feeds.put(context.id().toString(), consumers);
      return new Receiver() {
        @Override
        public void start(Host host) {}

        @Override
        public void shutdown(Instant deadline) {}
      };
    }
  }

  final class RecFactory implements ExporterFactory<RecConfig> {
    @Override
    public String type() {
      return "rec";
    }

    @Override
    public Class<RecConfig> configClass() {
      return RecConfig.class;
    }

    @Override
    public RecConfig createDefaultConfig() {
      return new RecConfig();
    }

    @Override
    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    @Override
    public Set<Signal> signals() {
      return EnumSet.allOf(Signal.class);
    }

    @Override
    public Exporter createExporter(ComponentContext context, RecConfig config) {
      RecordingExporter e = new RecordingExporter();
      exporters.put(context.id().toString(), e);
      return e;
    }
  }
}
