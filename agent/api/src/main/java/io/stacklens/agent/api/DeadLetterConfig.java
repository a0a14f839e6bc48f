package io.stacklens.agent.api;

import io.stacklens.agent.data.Signal;
import java.util.Set;

/**
 * Implemented by the config of a component that names a dead-letter exporter ({@code
 * dead_letter.exporter}): every exporter ({@link ExporterConfig}) and receivers that can meet input
 * they cannot decode. Config validation finds them through this interface and checks the reference
 * (defined, not the component itself, without a {@code dead_letter} of its own, supporting the
 * signal of the dead letters), and the service builds the named exporter even when no pipeline
 * names it, starting it before and stopping it after the components that feed it.
 */
public interface DeadLetterConfig extends ComponentConfig {
  /** The {@code dead_letter} settings; null, or an empty {@code exporter}, when none is set. */
  DeadLetterSettings deadLetterSettings();

  /**
   * The signals of the records this component hands to its dead-letter exporter. Empty (the
   * default) means the signals of the pipelines it is in (an exporter's failed records); a receiver
   * says what it makes of what it cannot decode (the {@code kafka} receiver: log records).
   */
  default Set<Signal> deadLetterSignals() {
    return Set.of();
  }

  /**
   * The dead-letter exporter's id; null when none is set or the id is malformed (its validate
   * reports that).
   */
  default ComponentId deadLetterExporter() {
    DeadLetterSettings settings = deadLetterSettings();
    if (settings == null) return null;
    try {
      return settings.exporterId();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
