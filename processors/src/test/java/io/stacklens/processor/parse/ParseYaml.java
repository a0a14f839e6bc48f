package io.stacklens.processor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Exporter;
import io.stacklens.agent.api.ExporterConfig;
import io.stacklens.agent.api.ExporterFactory;
import io.stacklens.agent.api.Host;
import io.stacklens.agent.api.Processor;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a {@code parse} processor's YAML the way the agent does. {@link #problems} uses the real
 * registry (every factory on the class path); {@link #processor} binds through the same loader with a
 * stub receiver and exporter around it (the processors module has none), so it can build a whole
 * pipeline.
 */
final class ParseYaml {
  private ParseYaml() {}

  /** The registry the CLI would build from this module's class path. */
  static ComponentRegistry realRegistry() {
    return ComponentRegistry.load(ParseYaml.class.getClassLoader());
  }

  /** Loads {@code processors: { parse: <body> }} with the real registry. */
  static LoadResult loadReal(String body) {
    return new ConfigLoader(realRegistry(), Map.of()).loadString("processors:\n  parse:\n" + indent(body), "agent.yaml");
  }

  /** Problems under {@code processors.} as printed by the CLI (file:line:column: path: message). */
  static List<String> problems(String body) {
    LoadResult r = loadReal(body);
    return r.problems().stream()
        .filter(p -> p.path().startsWith("processors.") && !p.message().startsWith("defined but not used"))
        .map(ConfigProblem::toString)
        .toList();
  }

  /** The bound config, failing the test on any error. */
  static ParseProcessorConfig config(String body) {
    String yaml = "receivers:\n  stub: {}\nprocessors:\n  parse:\n" + indent(body)
        + "exporters:\n  stub: {}\nservice:\n  pipelines:\n    logs: { receivers: [stub], processors: [parse], exporters: [stub] }\n";
    ComponentRegistry registry = ComponentRegistry.of(new ParseProcessorFactory(), new StubReceiverFactory(), new StubExporterFactory());
    LoadResult r = new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
    assertThat(r.errors()).as("errors in:\n%s", yaml).isEmpty();
    return (ParseProcessorConfig) r.config().orElseThrow().processors().get(ComponentId.of("parse"));
  }

  /** A processor built by the factory from {@code body}, in pipeline "logs", counting into {@code metrics}. */
  static Processor processor(String body, MetricsRegistry metrics) {
    ComponentContext context = ComponentContext.ofProcessor(ComponentId.of("parse"), "logs", metrics);
    return new ParseProcessorFactory().createProcessor(context, config(body), Signal.LOGS);
  }

  private static String indent(String body) {
    StringBuilder sb = new StringBuilder();
    for (String line : body.split("\n", -1)) {
      if (!line.isEmpty()) sb.append("    ").append(line).append('\n');
    }
    if (sb.isEmpty()) sb.append("    {}\n"); // "parse:" with nothing under it
    return sb.toString();
  }

  public static final class StubConfig implements ComponentConfig {}

  static final class StubReceiverFactory implements ReceiverFactory<StubConfig> {
    public String type() {
      return "stub";
    }

    public Class<StubConfig> configClass() {
      return StubConfig.class;
    }

    public StubConfig createDefaultConfig() {
      return new StubConfig();
    }

    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    public Set<Signal> signals() {
      return EnumSet.allOf(Signal.class);
    }

    public Receiver createReceiver(ComponentContext context, StubConfig config, Map<Signal, Consumer> consumers) {
      return new Receiver() {
        public void start(Host host) {}

        public void shutdown(Instant deadline) {}
      };
    }
  }

  static final class StubExporterFactory implements ExporterFactory<ExporterConfig> {
    public String type() {
      return "stub";
    }

    public Class<ExporterConfig> configClass() {
      return ExporterConfig.class;
    }

    public ExporterConfig createDefaultConfig() {
      return new ExporterConfig();
    }

    public Stability stability() {
      return Stability.DEVELOPMENT;
    }

    public Set<Signal> signals() {
      return EnumSet.allOf(Signal.class);
    }

    public Exporter createExporter(ComponentContext context, ExporterConfig config) {
      throw new UnsupportedOperationException("config loading only");
    }
  }
}
