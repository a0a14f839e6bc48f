package io.stacklens.agent.data;

import java.util.ArrayList;
import java.util.List;

/** Records of one instrumentation scope within a {@link ResourceLogs}. */
public final class ScopeLogs {
  private final InstrumentationScope scope;
  private String schemaUrl = "";
  private final List<LogRecord> logRecords;

  /** An empty scope (no name, version or attributes) with a new mutable record list. */
  public ScopeLogs() {
    this(new InstrumentationScope(), new ArrayList<>());
  }

  /**
   * Records {@code logRecords} of {@code scope}; both are used as is (not copied), and the list
   * must be mutable.
   */
  public ScopeLogs(InstrumentationScope scope, List<LogRecord> logRecords) {
    this.scope = scope;
    this.logRecords = logRecords;
  }

  /** The instrumentation scope these records come from; live. */
  public InstrumentationScope scope() {
    return scope;
  }

  /** The schema URL of the records' attributes; empty, never null, when unset. */
  public String schemaUrl() {
    return schemaUrl;
  }

  /** Sets the scope schema URL; null is stored as the empty string. */
  public ScopeLogs setSchemaUrl(String v) {
    this.schemaUrl = v == null ? "" : v;
    return this;
  }

  /** Mutable: processors remove records with {@code removeIf} or add to it. */
  public List<LogRecord> logRecords() {
    return logRecords;
  }

  /** A deep copy: scope and every record are copied. */
  public ScopeLogs copy() {
    List<LogRecord> records = new ArrayList<>(logRecords.size());
    for (LogRecord r : logRecords) records.add(r.copy());
    return new ScopeLogs(scope.copy(), records).setSchemaUrl(schemaUrl);
  }
}
