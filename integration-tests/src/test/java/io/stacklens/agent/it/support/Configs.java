package io.stacklens.agent.it.support;

import java.nio.file.Path;

/** YAML snippets shared by the end-to-end tests; every port is 0 (bound ports are read back). */
public final class Configs {
  private Configs() {}

  /** The OTLP receiver on both transports, on free ports. */
  public static final String OTLP_RECEIVER =
      """
      receivers:
        otlp:
          protocols:
            grpc: { endpoint: 127.0.0.1:0 }
            http: { endpoint: 127.0.0.1:0 }
      """;

  /**
   * The default shape: logs as json_lines, traces and metrics as otlp_json, in {@code dir}, written
   * out at the end of every push ({@code flush_interval: 0}) with short batching.
   */
  public static String otlpToFiles(Path dir) {
    return OTLP_RECEIVER
        + """
        exporters:
          file/logs:
            path: %s
            format: json_lines
            flush_interval: 0
            batch: { flush_timeout: 20ms }
          file/traces:
            path: %s
            format: otlp_json
            flush_interval: 0
            batch: { flush_timeout: 20ms }
          file/metrics:
            path: %s
            format: otlp_json
            flush_interval: 0
            batch: { flush_timeout: 20ms }
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          shutdown_timeout: 10s
          pipelines:
            logs: { receivers: [otlp], exporters: [file/logs] }
            traces: { receivers: [otlp], exporters: [file/traces] }
            metrics: { receivers: [otlp], exporters: [file/metrics] }
        """
            .formatted(yamlString(logs(dir)), yamlString(traces(dir)), yamlString(metrics(dir)));
  }

  /** Logs only, to one file in {@code format} ({@code json_lines} or {@code otlp_json}). */
  public static String logsToFile(Path file, String format) {
    return OTLP_RECEIVER
        + """
        exporters:
          file:
            path: %s
            format: %s
            flush_interval: 0
            batch: { flush_timeout: 20ms }
        service:
          telemetry: { endpoint: 127.0.0.1:0 }
          shutdown_timeout: 10s
          pipelines:
            logs: { receivers: [otlp], exporters: [file] }
        """
            .formatted(yamlString(file), format);
  }

  public static Path logs(Path dir) {
    return dir.resolve("logs.jsonl");
  }

  public static Path traces(Path dir) {
    return dir.resolve("traces.jsonl");
  }

  public static Path metrics(Path dir) {
    return dir.resolve("metrics.jsonl");
  }

  /** A path as a double-quoted YAML string (safe for any temp dir). */
  public static String yamlString(Path p) {
    return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
