package io.stacklens.processor.filter;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.api.ProcessorFactory;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.testing.StubFactories;
import java.util.List;
import java.util.Map;

/**
 * Loads a processor's YAML settings through the real config loader (binding, validation, problem
 * paths with line:column), inside a minimal config with stand-in receiver and exporter factories.
 */
public final class ProcessorConfigs {
  private ProcessorConfigs() {}

  /** The result of loading {@code settings} (YAML lines, indented by 4) as processor {@code id}. */
  public static LoadResult load(ProcessorFactory<?> factory, String id, String settings) {
    String indented =
        settings.isBlank()
            ? ""
            : settings
                .stripIndent()
                .lines()
                .map(l -> "    " + l)
                .reduce("", (a, b) -> a + b + "\n");
    String yaml =
        "receivers:\n  stub:\nexporters:\n  stub:\nprocessors:\n  "
            + id
            + ":\n"
            + indented
            + "service:\n  pipelines:\n    logs: { receivers: [stub], processors: ["
            + id
            + "], exporters: [stub] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(
            StubFactories.receiver("stub"), StubFactories.exporter("stub"), factory);
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  /** Problems without the file position: {@code processors.filter.sample.percentage: message}. */
  public static List<String> problems(LoadResult result) {
    return result.problems().stream().map(ProcessorConfigs::withoutPosition).toList();
  }

  private static String withoutPosition(ConfigProblem p) {
    return (p.isError() ? "" : "warning: ") + p.path() + ": " + p.message();
  }

  /**
   * The bound and validated config of processor {@code id}; fails when loading reported an error.
   */
  @SuppressWarnings("unchecked")
  public static <C extends ComponentConfig> C config(
      ProcessorFactory<C> factory, String id, String settings) {
    LoadResult r = load(factory, id, settings);
    if (r.hasErrors()) throw new AssertionError("unexpected problems: " + r.problems());
    return (C)
        r.config().orElseThrow().components(ComponentKind.PROCESSOR).get(ComponentId.parse(id));
  }

  /** A processor context with a fresh registry, pipeline {@code logs}. */
  public static ComponentContext context(
      String id, io.stacklens.agent.telemetry.MetricsRegistry metrics) {
    return ComponentContext.ofProcessor(ComponentId.parse(id), "logs", metrics);
  }
}
