package io.stacklens.agent.api;

/**
 * The {@code dead_letter} setting of a component: another exporter, by id, that takes the records
 * the component can never deliver (an exporter's permanent failures, a receiver's undecodable
 * messages). Unset (the default), those records are counted and dropped.
 *
 * <pre>
 * dead_letter:
 *   exporter: kafka/dlq        # an exporter id; empty = none
 * </pre>
 *
 * @see DeadLetterConfig
 * @see DeadLetters
 */
public class DeadLetterSettings implements ComponentConfig {
  /** The dead-letter exporter's id (e.g. {@code file/dlq}); empty = none. */
  public String exporter = "";

  /**
   * The configured exporter id, or null when none.
   *
   * @throws IllegalArgumentException when {@link #exporter} is not a valid id ({@link #validate}
   *     reports it)
   */
  public ComponentId exporterId() {
    return exporter == null || exporter.isBlank() ? null : ComponentId.parse(exporter.trim());
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (exporter == null || exporter.isBlank()) return;
    try {
      ComponentId.parse(exporter.trim());
    } catch (IllegalArgumentException e) {
      problems.error("exporter", e.getMessage());
    }
  }
}
