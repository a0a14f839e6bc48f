package io.stacklens.exporter.debug;

import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.ExporterConfig;

/**
 * Config of the {@code debug} exporter, which prints batches to standard output.
 *
 * <pre>
 * verbosity: normal     # basic | normal | detailed
 * </pre>
 */
public class DebugExporterConfig extends ExporterConfig {
  /**
   * Batching off, so batches print as they arrive; everything else as in {@code ExporterConfig}.
   */
  public DebugExporterConfig() {
    batch.enabled = false;
  }

  public Verbosity verbosity = Verbosity.NORMAL;

  @Override
  public void validate(ConfigProblems problems) {
    super.validate(problems);
    if (verbosity == null) problems.error("verbosity", "must be basic, normal or detailed");
  }
}
