package io.stacklens.exporter.debug;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.api.ComponentKind;
import io.stacklens.agent.config.ComponentRegistry;
import io.stacklens.agent.config.ConfigLoader;
import io.stacklens.agent.config.ConfigProblem;
import io.stacklens.agent.config.LoadResult;
import io.stacklens.agent.testing.StubFactories;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The debug exporter's config, loaded as a user writes it. */
class DebugExporterConfigTest {
  private static LoadResult load(String exporterYaml) {
    String yaml =
        "receivers:\n  otlp: {}\nexporters:\n  debug:\n"
            + exporterYaml.indent(4)
            + "service:\n  pipelines:\n    logs: { receivers: [otlp], exporters: [debug] }\n";
    ComponentRegistry registry =
        ComponentRegistry.of(StubFactories.receiver("otlp"), new DebugExporterFactory());
    return new ConfigLoader(registry, Map.of()).loadString(yaml, "agent.yaml");
  }

  private static DebugExporterConfig config(String exporterYaml) {
    LoadResult r = load(exporterYaml);
    assertThat(r.errors()).isEmpty();
    return (DebugExporterConfig)
        r.config().orElseThrow().components(ComponentKind.EXPORTER).get(ComponentId.parse("debug"));
  }

  @Test
  void verbosityDefaultsToNormal() {
    assertThat(config("{}").verbosity).isEqualTo(Verbosity.NORMAL);
  }

  @Test
  void everyVerbosityBinds() {
    assertThat(config("verbosity: basic").verbosity).isEqualTo(Verbosity.BASIC);
    assertThat(config("verbosity: detailed").verbosity).isEqualTo(Verbosity.DETAILED);
  }

  @Test
  void anUnknownVerbosityListsTheAllowedValuesAtItsLine() {
    List<String> errors =
        load("verbosity: loud").errors().stream().map(ConfigProblem::toString).toList();
    assertThat(errors)
        .singleElement()
        .asString()
        .startsWith("agent.yaml:5:")
        .contains(
            "exporters.debug.verbosity: unknown value 'loud' (allowed values: basic, normal, detailed)");
  }

  @Test
  void theExporterHelperSettingsAreAcceptedToo() {
    DebugExporterConfig c =
        config("verbosity: basic\nsending_queue: { queue_size: 7 }\nbatch: { enabled: false }");
    assertThat(c.sendingQueue.queueSize).isEqualTo(7);
    assertThat(c.batch.enabled).isFalse();
  }
}
