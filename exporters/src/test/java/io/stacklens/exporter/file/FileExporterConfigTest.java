package io.stacklens.exporter.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.api.Factory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.config.ConfigValidator;
import io.stacklens.agent.data.Signal;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class FileExporterConfigTest {

  @Test
  void defaultsAreJsonLinesWithBatchingAndRotationAt100MiB() {
    FileExporterConfig c = new FileExporterFactory().createDefaultConfig();

    assertThat(c.format).isEqualTo(FileFormat.JSON_LINES);
    assertThat(c.flushInterval).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.fsync).isFalse();
    assertThat(c.rotation.maxMegabytes).isEqualTo(100);
    assertThat(c.rotation.maxAge).isZero();
    assertThat(c.rotation.maxBackups).isEqualTo(10);
    assertThat(c.rotation.compress).isTrue();
    assertThat(c.batch.enabled).isTrue();
  }

  @Test
  void validConfigHasNoProblems() {
    FileExporterConfig c = new FileExporterFactory().createDefaultConfig();
    c.path = "./data/logs.jsonl";

    assertThat(ConfigValidator.problemsOf(c)).isEmpty();
  }

  @Test
  void reportsEveryProblemByItsYamlKey() {
    FileExporterConfig c = new FileExporterFactory().createDefaultConfig();
    c.flushInterval = Duration.ofSeconds(-1);
    c.rotation.maxMegabytes = -5;
    c.rotation.maxAge = Duration.ofMinutes(-1);
    c.rotation.maxBackups = -1;
    c.timeout = Duration.ZERO;

    assertThat(ConfigValidator.problemsOf(c))
        .containsExactlyInAnyOrder(
            "timeout: must be positive, got 0s",
            "path: is required: the file to write to, e.g. ./data/logs.jsonl",
            "flush_interval: must be 0 (flush after every push) or a positive duration, got -1s",
            "rotation.max_megabytes: must be 0 (no size rotation) or positive, got -5",
            "rotation.max_age: must be 0 (no age rotation) or a positive duration, got -1m",
            "rotation.max_backups: must be 0 (keep all) or positive, got -1");
  }

  @Test
  void pathMustNameAFile() {
    FileExporterConfig c = new FileExporterFactory().createDefaultConfig();
    c.path = "/var/log/stacklens/";

    assertThat(ConfigValidator.problemsOf(c))
        .containsExactly("path: must name a file, not a directory: '/var/log/stacklens/'");
  }

  @Test
  void factoryIsRegisteredAsAServiceForEverySignal() {
    FileExporterFactory factory =
        ServiceLoader.load(Factory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(FileExporterFactory.class::isInstance)
            .map(FileExporterFactory.class::cast)
            .findFirst()
            .orElseThrow();

    assertThat(factory.type()).isEqualTo("file");
    assertThat(factory.stability()).isEqualTo(Stability.ALPHA);
    assertThat(factory.signals())
        .containsExactlyInAnyOrder(Signal.LOGS, Signal.TRACES, Signal.METRICS);
  }
}
