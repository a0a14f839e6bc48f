package io.stacklens.agent.api;

/** The three kinds of pipeline component; the YAML section each is defined under. */
public enum ComponentKind {
  /** Brings records into the agent; defined under {@code receivers}. */
  RECEIVER("receivers"),
  /**
   * Transforms, filters or routes records between receivers and exporters; defined under {@code
   * processors}.
   */
  PROCESSOR("processors"),
  /** Sends records out of the agent; defined under {@code exporters}. */
  EXPORTER("exporters");

  private final String section;

  ComponentKind(String section) {
    this.section = section;
  }

  /** Top-level YAML key under which components of this kind are defined, e.g. {@code receivers}. */
  public String section() {
    return section;
  }

  /**
   * Lower-case singular name used in messages: {@code receiver}, {@code processor}, {@code
   * exporter}.
   */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
