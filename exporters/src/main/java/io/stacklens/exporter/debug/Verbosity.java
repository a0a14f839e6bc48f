package io.stacklens.exporter.debug;

/**
 * How much the {@code debug} exporter prints; YAML value {@code basic}, {@code normal} or {@code
 * detailed}.
 */
public enum Verbosity {
  /** One line per batch: signal, record count, resource count. */
  BASIC,
  /**
   * The batch line, then one line per record: time, severity, body, attributes (or the span/point
   * equivalent).
   */
  NORMAL,
  /** The batch line, then every field of every resource, scope and record, indented. */
  DETAILED
}
