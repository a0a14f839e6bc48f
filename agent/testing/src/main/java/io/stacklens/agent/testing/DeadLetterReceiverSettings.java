package io.stacklens.agent.testing;

import io.stacklens.agent.api.DeadLetterConfig;
import io.stacklens.agent.api.DeadLetterSettings;
import io.stacklens.agent.data.Signal;
import java.util.Set;

/**
 * The settings of a stand-in receiver that names a dead-letter exporter ({@code
 * dead_letter.exporter}) and dead-letters log records, as the kafka receiver does.
 */
public final class DeadLetterReceiverSettings implements DeadLetterConfig {
  public DeadLetterSettings deadLetter = new DeadLetterSettings();

  @Override
  public DeadLetterSettings deadLetterSettings() {
    return deadLetter;
  }

  @Override
  public Set<Signal> deadLetterSignals() {
    return Set.of(Signal.LOGS);
  }
}
