package io.stacklens.agent.config;

/**
 * One problem found while loading the configuration.
 *
 * @param path YAML key path, e.g. {@code exporters.file.max_megabytes} or {@code
 *     service.pipelines.logs.exporters[1]}; empty for the document itself
 * @param file the config file (as given on the command line), {@code --set ...} for an override, or
 *     {@code <embedded>/default-agent.yaml}
 * @param line 1-based line, 0 when unknown (e.g. the file could not be read)
 * @param column 1-based column, 0 when unknown
 */
public record ConfigProblem(
    Severity severity, String path, String file, int line, int column, String message) {

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code agent.yaml:12:7: exporters.file.max_megabytes: expected an integer, got 'ten'}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(file);
    if (line > 0) {
      text.append(':').append(line).append(':').append(column);
    }
    text.append(": ");
    if (severity == Severity.WARNING) {
      text.append("warning: ");
    }
    if (!path.isEmpty()) {
      text.append(path).append(": ");
    }
    return text.append(message).toString();
  }
}
