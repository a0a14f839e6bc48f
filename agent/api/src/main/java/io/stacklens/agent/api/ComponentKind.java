package io.stacklens.agent.api;

/** The three kinds of pipeline component; the YAML section each is defined under. */
public enum ComponentKind {
  RECEIVER("receivers"),
  PROCESSOR("processors"),
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
