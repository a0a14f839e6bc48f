package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.config.TestFactories.FileConfig;
import io.stacklens.agent.config.TestFactories.FileFormat;
import io.stacklens.agent.config.TestFactories.OtlpConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The config used when no --config is given, checked against stand-ins for the otlp and file
 * factories.
 */
class EmbeddedDefaultConfigTest {
  private final ConfigLoader loader = new ConfigLoader(TestFactories.registry(), Map.of());

  @Test
  void loadsWithoutProblems() {
    LoadResult result = loader.loadEmbeddedDefault(List.of());

    assertThat(printed(result)).isEmpty();
    AgentConfig config = result.config().orElseThrow();
    OtlpConfig otlp = (OtlpConfig) config.receivers().get(ComponentId.of("otlp"));
    assertThat(otlp.protocols.grpc.endpoint).isEqualTo("127.0.0.1:4317");
    assertThat(otlp.protocols.http.endpoint).isEqualTo("127.0.0.1:4318");
    assertThat(config.exporters().keySet())
        .extracting(ComponentId::toString)
        .containsExactly("file/logs", "file/traces", "file/metrics");
    FileConfig logs = (FileConfig) config.exporters().get(ComponentId.parse("file/logs"));
    assertThat(logs.path).isEqualTo("./data/logs.jsonl");
    assertThat(logs.format).isEqualTo(FileFormat.JSON_LINES);
    FileConfig traces = (FileConfig) config.exporters().get(ComponentId.parse("file/traces"));
    assertThat(traces.path).isEqualTo("./data/traces.jsonl");
    assertThat(traces.format).isEqualTo(FileFormat.OTLP_JSON);
    assertThat(config.service().pipelines().keySet())
        .extracting(PipelineId::toString)
        .containsExactly("logs", "traces", "metrics");
  }

  @Test
  void setOverridesApplyToTheEmbeddedDefault() {
    LoadResult result =
        loader.loadEmbeddedDefault(
            List.of("exporters.file/logs.path=/tmp/x", "exporters.file/logs.timeout=ten"));

    assertThat(printed(result))
        .containsExactly(
            "--set 'exporters.file/logs.timeout=ten':1:29: exporters.file/logs.timeout: expected a duration such"
                + " as 5s, 200ms, 1m30s or 1h, got 'ten'");
  }

  @Test
  void problemsInTheDefaultNameTheEmbeddedResource() {
    LoadResult result = loader.loadEmbeddedDefault(List.of("service.pipelines.logs.exporters=[]"));

    assertThat(printed(result))
        .containsExactly(
            ConfigLoader.EMBEDDED_DEFAULT_SOURCE
                + ":13:3: warning: exporters.file/logs: defined but not used by"
                + " any pipeline; add it to a pipeline under service.pipelines or remove it",
            "--set 'service.pipelines.logs.exporters=[]':1:24: service.pipelines.logs.exporters: a pipeline needs"
                + " at least one exporter");
  }
}
