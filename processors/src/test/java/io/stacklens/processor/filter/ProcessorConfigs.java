package io.stacklens.processor.filter;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a processor's YAML settings through the real config loader (binding, validation, problem
 * paths with line:column), inside a minimal config with stand-in receiver and exporter factories.
 */
public final class ProcessorConfigs {
  private ProcessorConfigs() {}

  /** The result of loading {@code settings} (YAML lines, indented by 4) as processor {@code id}. */
  public static LoadResult load(ProcessorFactory<?> factory, String id, String settings) {
    String indented = settings.isBlank() ? "" : settings.stripIndent().lines().map(l -> "    " + l)
        .reduce("", (a, b) -> a + b + "\n");
    String yaml = "receivers:\n  stub:\nexporters:\n  stub:\nprocessors:\n  " + id + ":\n" + indented
        + "service:\n  pipelines:\n    logs: { receivers: [stub], processors: [" + id + "], exporters: [stub] }\n";
    ComponentRegistry registry = ComponentRegistry.of(new StubReceiverFactory(), new StubExporterFactory(), factory);
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  /** Problems without the file position: {@code processors.filter.sample.percentage: message}. */
  public static List<String> problems(LoadResult result) {
    return result.problems().stream().map(ProcessorConfigs::withoutPosition).toList();
  }

  private static String withoutPosition(ConfigProblem p) {
    return (p.isError() ? "" : "warning: ") + p.path() + ": " + p.message();
  }

  /** The bound and validated config of processor {@code id}; fails when loading reported an error. */
  @SuppressWarnings("unchecked")
  public static <C extends ComponentConfig> C config(ProcessorFactory<C> factory, String id, String settings) {
    LoadResult r = load(factory, id, settings);
    if (r.hasErrors()) throw new AssertionError("unexpected problems: " + r.problems());
    return (C) r.config().orElseThrow().components(ComponentKind.PROCESSOR).get(ComponentId.parse(id));
  }

  /** A processor context with a fresh registry, pipeline {@code logs}. */
  public static ComponentContext context(String id, io.stacklens.agent.telemetry.MetricsRegistry metrics) {
    return ComponentContext.ofProcessor(ComponentId.parse(id), "logs", metrics);
  }

  public static final class StubConfig implements ComponentConfig {}

  public static final class StubExporterConfig extends ExporterConfig {}

  private static final class StubReceiverFactory implements ReceiverFactory<StubConfig> {
    @Override
    public String type() {
      return "stub";
    }

    @Override
    public Class<StubConfig> configClass() {
      return StubConfig.class;
    }

    @Override
    public StubConfig createDefaultConfig() {
      return new StubConfig();
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
    public Receiver createReceiver(ComponentContext context, StubConfig config, Map<Signal, Consumer> consumers) {
      throw new UnsupportedOperationException("config tests build no receivers");
    }
  }

  private static final class StubExporterFactory implements ExporterFactory<StubExporterConfig> {
    @Override
    public String type() {
      return "stub";
    }

    @Override
    public Class<StubExporterConfig> configClass() {
      return StubExporterConfig.class;
    }

    @Override
    public StubExporterConfig createDefaultConfig() {
      return new StubExporterConfig();
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
    public Exporter createExporter(ComponentContext context, StubExporterConfig config) {
      throw new UnsupportedOperationException("config tests build no exporters");
    }
  }
}
