package io.stacklens.processor.parse;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.processor.filter.ProcessorConfigs;
import java.util.List;
import java.util.Map;

/**
 * Loads a {@code parse} processor's YAML the way the agent does. {@link #problems} uses the real
 * registry (every factory on the class path); {@link #config} and {@link #processor} bind through
 * {@link ProcessorConfigs}, with a stub receiver and exporter around it (the processors module has
 * none).
 */
final class ParseYaml {
  private ParseYaml() {}

  /** The registry the CLI would build from this module's class path. */
  static ComponentRegistry realRegistry() {
    return ComponentRegistry.load(ParseYaml.class.getClassLoader());
  }

  /** Loads {@code processors: { parse: <body> }} with the real registry. */
  static LoadResult loadReal(String body) {
    return new ConfigLoader(realRegistry(), Map.of())
        .loadString("processors:\n  parse:\n" + indent(body), "agent.yaml");
  }

  /** Problems under {@code processors.} as printed by the CLI (file:line:column: path: message). */
  static List<String> problems(String body) {
    LoadResult r = loadReal(body);
    return r.problems().stream()
        .filter(
            p ->
                p.path().startsWith("processors.")
                    && !p.message().startsWith("defined but not used"))
        .map(ConfigProblem::toString)
        .toList();
  }

  /** The bound config, failing the test on any error. */
  static ParseProcessorConfig config(String body) {
    return ProcessorConfigs.config(new ParseProcessorFactory(), "parse", body);
  }

  /**
   * A processor built by the factory from {@code body}, in pipeline "logs", counting into {@code
   * metrics}.
   */
  static Processor processor(String body, MetricsRegistry metrics) {
    ComponentContext context =
        ComponentContext.ofProcessor(ComponentId.of("parse"), "logs", metrics);
    return new ParseProcessor(context, config(body));
  }

  /** {@code body} indented under {@code parse:}; {@code {}} when empty. */
  private static String indent(String body) {
    StringBuilder sb = new StringBuilder();
    for (String line : body.split("\n", -1)) {
      if (!line.isEmpty()) sb.append("    ").append(line).append('\n');
    }
    if (sb.isEmpty()) sb.append("    {}\n"); // "parse:" with nothing under it
    return sb.toString();
  }
}
