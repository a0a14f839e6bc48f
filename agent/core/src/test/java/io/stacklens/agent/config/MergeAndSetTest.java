package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.ComponentId;
import io.stacklens.agent.config.TestFactories.FileConfig;
import io.stacklens.agent.config.TestFactories.OtlpConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several {@code --config} files deep-merged in order, and {@code --set} overrides on top. */
class MergeAndSetTest {
  private final ConfigLoader loader =
      new ConfigLoader(TestFactories.registry(), Map.of("HOME", "/home/me"));

  private static Path resource(String name) {
    try {
      return Path.of(MergeAndSetTest.class.getResource("/config/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FileConfig file(LoadResult result, String id) {
    return (FileConfig) result.config().orElseThrow().exporters().get(ComponentId.parse(id));
  }

  @Test
  void laterFileMergesMapsAndReplacesScalarsAndLists() {
    Path base = resource("base.yaml");
    Path override = resource("override.yaml");

    LoadResult result =
        loader.load(List.of(base, override), List.of("exporters.file.max_megabytes=20"));

    assertThat(printed(result))
        .containsExactly(
            base
                + ":6:3: warning: exporters.file: defined but not used by any pipeline; add it to a pipeline"
                + " under service.pipelines or remove it");
    AgentConfig config = result.config().orElseThrow();
    OtlpConfig otlp = (OtlpConfig) config.receivers().get(ComponentId.of("otlp"));
    assertThat(otlp.protocols.grpc.endpoint).as("kept from base").isEqualTo("127.0.0.1:4317");
    assertThat(otlp.protocols.http.endpoint).as("added by override").isEqualTo("0.0.0.0:4318");
    FileConfig file = file(result, "file");
    assertThat(file.path).isEqualTo("/var/log/base.jsonl");
    assertThat(file.sendingQueue.queueSize).isEqualTo(99);
    assertThat(file.sendingQueue.numConsumers).isEqualTo(2);
    assertThat(file.maxMegabytes).isEqualTo(20);
    assertThat(config.service().pipelines().get(PipelineId.parse("logs")).exporters)
        .as("lists are replaced, not appended")
        .containsExactly(ComponentId.of("debug"));
    assertThat(config.exporters().keySet())
        .extracting(ComponentId::toString)
        .containsExactly("file", "debug");
  }

  @Test
  void problemsPointAtTheFileThatWroteTheValue() {
    Path base = resource("base.yaml");
    Path override = resource("override.yaml");

    LoadResult result = loader.load(List.of(base, override), List.of());

    assertThat(printed(result))
        .containsExactly(
            base
                + ":6:3: warning: exporters.file: defined but not used by any pipeline; add it to a pipeline"
                + " under service.pipelines or remove it",
            override + ":9:20: exporters.file.max_megabytes: expected an integer, got 'lots'");
  }

  @Test
  void setReplacesAScalar() {
    LoadResult result =
        loader.load(
            List.of(resource("base.yaml")),
            List.of("exporters.file.path=$${env:HOME}/${env:HOME}/x"));

    assertThat(file(result, "file").path).isEqualTo("${env:HOME}//home/me/x");
  }

  @Test
  void setValueIsParsedAsYamlSoAListReplacesAList() {
    LoadResult result =
        loader.load(
            List.of(resource("base.yaml")),
            List.of("exporters.debug=", "service.pipelines.logs.exporters=[file, debug]"));

    assertThat(printed(result)).isEmpty();
    assertThat(
            result
                .config()
                .orElseThrow()
                .service()
                .pipelines()
                .get(PipelineId.parse("logs"))
                .exporters)
        .containsExactly(ComponentId.of("file"), ComponentId.of("debug"));
  }

  @Test
  void setAddsKeysThatWereNotWritten() {
    LoadResult result =
        loader.load(
            List.of(resource("base.yaml")),
            List.of(
                "exporters.file.retry_on_failure.max_interval=1m",
                "exporters.file/second.path=/tmp/second",
                "service.pipelines.traces={receivers: [otlp], exporters: [file/second]}"));

    assertThat(printed(result)).isEmpty();
    assertThat(file(result, "file").retryOnFailure.maxInterval).hasMinutes(1);
    assertThat(file(result, "file/second").path).isEqualTo("/tmp/second");
    assertThat(result.config().orElseThrow().service().pipelines())
        .containsKey(PipelineId.parse("traces"));
  }

  @Test
  void malformedSetIsAnErrorNamingIt() {
    LoadResult result =
        loader.load(
            List.of(resource("base.yaml")),
            List.of("exporters.file.path", "exporters..path=/x", "exporters.file.path=[unclosed"));

    assertThat(printed(result))
        .containsExactly(
            "--set 'exporters.file.path':1:1: malformed override: expected path=value with a dotted path, e.g."
                + " --set exporters.file.path=/tmp/x",
            "--set 'exporters..path=/x':1:1: malformed override: expected path=value with a dotted path, e.g."
                + " --set exporters.file.path=/tmp/x",
            "--set 'exporters.file.path=[unclosed':1:30: invalid YAML: expected ',' or ']', but got <stream end>"
                + " (while parsing a flow sequence started at 1:21)");
    assertThat(result.config()).isEmpty();
  }

  @Test
  void problemInASetValuePointsIntoTheArgument() {
    LoadResult result =
        loader.load(List.of(resource("base.yaml")), List.of("exporters.file.max_megabytes=ten"));

    assertThat(printed(result))
        .containsExactly(
            "--set 'exporters.file.max_megabytes=ten':1:30: exporters.file.max_megabytes: expected an integer,"
                + " got 'ten'");
  }

  @Test
  void setOnANewUnknownKeyPointsAtTheKey() {
    LoadResult result =
        loader.load(List.of(resource("base.yaml")), List.of("exporters.file.pth=/x"));

    assertThat(printed(result))
        .containsExactly(
            "--set 'exporters.file.pth=/x':1:16: exporters.file.pth: unknown key 'pth'; did you mean 'path'?");
  }

  @Test
  void noFileIsAnError() {
    LoadResult result = loader.load(List.of(), List.of());

    assertThat(printed(result)).containsExactly("--config: no config file given");
  }
}
