package io.stacklens.agent.config;

/** Where a YAML node was written: file (or override) name and 1-based line and column. */
record Location(String file, int line, int column) {
  /** The start of a source, used when nothing more precise exists. */
  static Location startOf(String file) {
    return new Location(file, 1, 1);
  }
}
