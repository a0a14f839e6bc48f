package io.stacklens.agent.config;

import static io.stacklens.agent.config.Loads.load;
import static io.stacklens.agent.config.Loads.printed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per kind of config error: the message, the YAML path and the line:column. */
class ConfigErrorsTest {

  @Test
  void unknownKeySuggestsTheClosestKnownKey() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file:
                path: /tmp/out
                max_megabyts: 10
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:6:5: exporters.file.max_megabyts: unknown key 'max_megabyts'; did you mean 'max_megabytes'?");
    assertThat(result.config()).isEmpty();
  }

  @Test
  void unknownKeyWithoutCloseMatchListsTheKnownKeys() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
                protocols:
                  grpc: { zzz: 1 }
            exporters:
              file: { path: /tmp/out }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:15: receivers.otlp.protocols.grpc.zzz: unknown key 'zzz' (known keys: endpoint)");
  }

  @Test
  void unknownTopLevelSectionSuggestsTheSection() {
    LoadResult result =
        load(
            """
            recievers:
              otlp:
            """);

    assertThat(printed(result))
        .contains("agent.yaml:1:1: recievers: unknown key 'recievers'; did you mean 'receivers'?");
  }

  @Test
  void valueOfTheWrongTypeNamesTheExpectedType() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file:
                path: /tmp/out
                max_megabytes: ten
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:6:20: exporters.file.max_megabytes: expected an integer, got 'ten'");
  }

  @Test
  void unknownComponentTypeSuggestsTheClosestKnownType() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              fiel: { path: /tmp/out }
              fiel/archive: { path: /tmp/archive }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [fiel, fiel/archive] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:3: exporters.fiel: unknown exporter type 'fiel'; did you mean 'file'?",
            "agent.yaml:5:3: exporters.fiel/archive: unknown exporter type 'fiel'; did you mean 'file'?");
  }

  @Test
  void unknownComponentTypeWithoutCloseMatchListsTheKnownTypes() {
    LoadResult result =
        load(
            """
            receivers:
              syslog:
            exporters:
              file: { path: /tmp/out }
            service:
              pipelines:
                logs: { receivers: [syslog], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:2:3: receivers.syslog: unknown receiver type 'syslog' (known types: filelog, otlp)");
  }

  @Test
  void aPipelineNamingAnUndefinedComponentSuggestsTheClosestDefinedOne() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file/archive: { path: /tmp/out }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file/archiv] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:3: warning: exporters.file/archive: defined but not used by any pipeline; add it to a pipeline"
                + " under service.pipelines or remove it",
            "agent.yaml:7:44: service.pipelines.logs.exporters[0]: exporter 'file/archiv' is not defined under exporters"
                + " (defined: file/archive); did you mean 'file/archive'?");
  }

  @Test
  void invalidComponentIdSaysWhatIsWrong() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file/: { path: /tmp/out }
              2file: { path: /tmp/out }
              file: { path: /tmp/out }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:3: exporters.file/: invalid component id 'file/': name after '/' must not be empty",
            "agent.yaml:5:3: exporters.2file: invalid component type '2file': must start with a letter and"
                + " contain only letters, digits and '_'");
  }

  @Test
  void pipelineNamingAnUndefinedComponentPointsAtTheListEntry() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/out }
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [file, kafka]
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:9:25: service.pipelines.logs.exporters[1]: exporter 'kafka' is not defined under"
                + " exporters (defined: file)");
  }

  @Test
  void unknownSignalInPipelineIdListsTheSignals() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/out }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
                log/audit: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:8:5: service.pipelines.log/audit: unknown signal 'log' in pipeline id 'log/audit'"
                + " (known signals: logs, traces, metrics); did you mean 'logs'?");
  }

  @Test
  void pipelineWithoutReceiversOrExportersIsAnError() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/out }
            service:
              pipelines:
                logs:
                  receivers: [otlp]
                  exporters: [file]
                traces:
                  receivers: []
                metrics: {}
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:10:5: service.pipelines.traces.exporters: a pipeline needs at least one exporter",
            "agent.yaml:11:7: service.pipelines.traces.receivers: a pipeline needs at least one receiver",
            "agent.yaml:12:5: service.pipelines.metrics.receivers: a pipeline needs at least one receiver",
            "agent.yaml:12:5: service.pipelines.metrics.exporters: a pipeline needs at least one exporter");
  }

  @Test
  void serviceWithoutPipelinesIsAnError() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            service:
              telemetry: { endpoint: 127.0.0.1:8888 }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:2:3: warning: receivers.otlp: defined but not used by any pipeline; add it to a"
                + " pipeline under service.pipelines or remove it",
            "agent.yaml:3:1: service.pipelines: at least one pipeline is required, e.g. logs: { receivers:"
                + " [otlp], exporters: [file] }");
  }

  @Test
  void componentNotUsedByAnyPipelineIsOnlyAWarning() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/out }
              debug:
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:5:3: warning: exporters.debug: defined but not used by any pipeline; add it to a"
                + " pipeline under service.pipelines or remove it");
    assertThat(result.hasErrors()).isFalse();
    assertThat(result.config()).isPresent();
    assertThat(result.warnings()).hasSize(1);
  }

  @Test
  void componentInPipelineOfAnUnsupportedSignalIsAnError() {
    LoadResult result =
        load(
            """
            receivers:
              filelog:
            exporters:
              file: { path: /tmp/out }
            service:
              pipelines:
                logs: { receivers: [filelog], exporters: [file] }
                metrics: { receivers: [filelog], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:8:28: service.pipelines.metrics.receivers[0]: receiver 'filelog' does not support"
                + " metrics (supported: logs)");
  }

  @Test
  void componentValidateProblemsPointAtTheKey() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file:
                path: ""
                max_megabytes: 5000
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:5:5: exporters.file.path: must not be empty",
            "agent.yaml:6:5: warning: exporters.file.max_megabytes: more than 1000 MB per file is hard to handle");
  }

  @Test
  void componentValidateOnAKeyNotWrittenPointsAtTheComponent() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file:
                format: otlp_json
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly("agent.yaml:4:3: exporters.file.path: must not be empty");
  }

  @Test
  void nestedExporterSettingsAreValidatedWithTheirPath() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
                protocols:
                  http: { endpoint: nowhere }
            exporters:
              file:
                path: /tmp/out
                sending_queue:
                  queue_size: 0
                retry_on_failure:
                  initial_interval: 1m
                  multiplier: 0.5
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:15: receivers.otlp.protocols.http.endpoint: expected host:port, got 'nowhere'",
            "agent.yaml:9:7: exporters.file.sending_queue.queue_size: must be at least 1, got 0",
            // max_interval was not written: the problem points at the nearest written parent
            "agent.yaml:10:5: exporters.file.retry_on_failure.max_interval: must be greater than or equal to"
                + " initial_interval",
            "agent.yaml:12:7: exporters.file.retry_on_failure.multiplier: must be at least 1.0, got 0.5");
  }

  @Test
  void yamlSyntaxErrorHasLineAndColumn() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
                protocols: [grpc
            exporters:
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:10: invalid YAML: expected ',' or ']', but got : (while parsing a flow sequence"
                + " started at 3:16)");
    assertThat(result.problems().get(0).line()).isEqualTo(4);
    assertThat(result.problems().get(0).column()).isEqualTo(10);
  }

  @Test
  void duplicateKeyIsAnErrorNamingTheFirstOne() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/a }
              file: { path: /tmp/b }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:5:3: exporters.file: duplicate key 'file' (first written at 4:3)");
  }

  @Test
  void unsetEnvironmentVariableNamesItAndSuggestsADefault() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file:
                path: ${env:OUT_DIR}/logs.jsonl
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:5:11: exporters.file.path: environment variable 'OUT_DIR' is not set; set it, or give a"
                + " default: ${env:OUT_DIR:-default}");
  }

  @Test
  void durationWithoutUnitSaysToAddAUnit() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file:
                path: /tmp/out
                timeout: 5
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:6:14: exporters.file.timeout: expected a duration, got '5': add a unit, e.g. 5s or 5ms");
  }

  @Test
  void unknownEnumValueListsTheAllowedValues() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/out, format: jsonlines }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file], wait_strategy: spin }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:4:35: exporters.file.format: unknown value 'jsonlines' (allowed values: json_lines,"
                + " otlp_json); did you mean 'json_lines'?",
            "agent.yaml:7:66: service.pipelines.logs.wait_strategy: unknown value 'spin' (allowed values: park,"
                + " yield, busy_spin)");
  }

  @Test
  void ringSizeMustBeAPowerOfTwoInRange() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/out }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file], ring_size: 1000 }
                traces: { receivers: [otlp], exporters: [file], ring_size: 1 }
                metrics: { receivers: [otlp], exporters: [file], ring_size: 2097152 }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:7:51: service.pipelines.logs.ring_size: must be a power of two between 2 and 1048576,"
                + " got 1000",
            "agent.yaml:8:53: service.pipelines.traces.ring_size: must be a power of two between 2 and 1048576,"
                + " got 1",
            "agent.yaml:9:54: service.pipelines.metrics.ring_size: must be a power of two between 2 and 1048576,"
                + " got 2097152");
  }

  @Test
  void componentListedTwiceInOnePipelineIsAnError() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/out }
            service:
              pipelines:
                logs: { receivers: [otlp], exporters: [file, file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:7:50: service.pipelines.logs.exporters[1]: 'file' is listed more than once");
  }

  @Test
  void telemetrySettingsAreValidated() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
            exporters:
              file: { path: /tmp/out }
            service:
              telemetry:
                endpoint: localhost
                logs:
                  level: verbose
                  loggers: { io.netty: debg, "bad name": info }
              shutdown_timeout: 0s
              pipelines:
                logs: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:7:5: service.telemetry.endpoint: expected host:port with a port from 0 to 65535, got"
                + " 'localhost'",
            "agent.yaml:9:7: service.telemetry.logs.level: unknown log level 'verbose' (allowed values: debug,"
                + " info, warn, error)",
            "agent.yaml:10:18: service.telemetry.logs.loggers.io.netty: unknown log level 'debg' (allowed values:"
                + " debug, info, warn, error); did you mean 'debug'?",
            "agent.yaml:10:34: service.telemetry.logs.loggers.bad name: 'bad name' is not a logger name (a dotted"
                + " name such as io.netty or org.apache.kafka)",
            "agent.yaml:11:3: service.shutdown_timeout: must be positive, got 0s");
  }

  @Test
  void everyProblemIsReportedTogetherInFileOrder() {
    LoadResult result =
        load(
            """
            receivers:
              otlp:
              kafka:
            exporters:
              file:
                path: /tmp/out
                max_megabytes: lots
                timeout: 3
                compresion: gzip
              debug:
            service:
              pipelines:
                logs: { receivers: [otlp, filelog], exporters: [file] }
                logz: { receivers: [otlp], exporters: [file] }
            """);

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:3:3: receivers.kafka: unknown receiver type 'kafka' (known types: filelog, otlp)",
            "agent.yaml:7:20: exporters.file.max_megabytes: expected an integer, got 'lots'",
            "agent.yaml:8:14: exporters.file.timeout: expected a duration, got '3': add a unit, e.g. 3s or 3ms",
            "agent.yaml:9:5: exporters.file.compresion: unknown key 'compresion' (known keys: path, format,"
                + " max_megabytes, credentials, api_key, headers, timeout, sending_queue, batch, retry_on_failure, dead_letter)",
            "agent.yaml:10:3: warning: exporters.debug: defined but not used by any pipeline; add it to a"
                + " pipeline under service.pipelines or remove it",
            "agent.yaml:13:31: service.pipelines.logs.receivers[1]: receiver 'filelog' is not defined under"
                + " receivers (defined: otlp, kafka)",
            "agent.yaml:14:5: service.pipelines.logz: unknown signal 'logz' in pipeline id 'logz' (known"
                + " signals: logs, traces, metrics); did you mean 'logs'?");
    assertThat(result.errors()).hasSize(6);
    assertThat(result.config()).isEmpty();
  }

  @Test
  void unreadableFileIsAnErrorNamingTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");

    LoadResult result =
        new ConfigLoader(TestFactories.registry(), Map.of()).load(List.of(missing), List.of());

    assertThat(printed(result))
        .containsExactly(missing + ": cannot read config file: no such file");
    assertThat(result.config()).isEmpty();
  }

  @Test
  void topLevelThatIsNotAMappingIsAnError() {
    LoadResult result = load("- receivers\n");

    assertThat(printed(result))
        .containsExactly(
            "agent.yaml:1:1: expected a mapping with receivers, processors, exporters and service, got a list");
  }
}
