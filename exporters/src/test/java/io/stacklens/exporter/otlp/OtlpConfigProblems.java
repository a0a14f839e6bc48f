package io.stacklens.exporter.otlp;

import io.stacklens.agent.api.ConfigProblems;
import java.util.ArrayList;
import java.util.List;

/** Collects what {@code validate} reports (the pattern of {@code TlsServerSettingsTest}). */
final class OtlpConfigProblems implements ConfigProblems {
  /** One reported problem: an error or a warning at a YAML key. */
  record Problem(boolean error, String key, String message) {}

  final List<Problem> all = new ArrayList<>();

  @Override
  public void error(String relativePath, String message) {
    all.add(new Problem(true, relativePath, message));
  }

  @Override
  public void warning(String relativePath, String message) {
    all.add(new Problem(false, relativePath, message));
  }

  /** What {@code config.validate} reports. */
  static List<Problem> of(OtlpClientConfig config) {
    OtlpConfigProblems problems = new OtlpConfigProblems();
    config.validate(problems);
    return problems.all;
  }
}
