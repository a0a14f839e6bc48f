package io.stacklens.exporter.file;

/**
 * How the {@code file} exporter encodes records; YAML value {@code json_lines} or {@code
 * otlp_json}.
 */
public enum FileFormat {
  /**
   * One flat JSON object per log record, span or metric data point (see docs/exporters/file.md).
   */
  JSON_LINES,
  /** One OTLP/JSON export request per line: the whole pushed batch, lossless. */
  OTLP_JSON
}
