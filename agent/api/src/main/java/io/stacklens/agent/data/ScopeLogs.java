package io.stacklens.agent.data;

import java.util.ArrayList;
import java.util.List;

/** Records of one instrumentation scope within a {@link ResourceLogs}. */
public final class ScopeLogs {
  private final InstrumentationScope scope;
  private String schemaUrl = "";
  private final List<LogRecord> logRecords;

  public ScopeLogs() {
    this(new InstrumentationScope(), new ArrayList<>());
  }

  public ScopeLogs(InstrumentationScope scope, List<LogRecord> logRecords) {
    this.scope = scope;
    this.logRecords = logRecords;
  }

  public InstrumentationScope scope() {
    return scope;
  }

  public String schemaUrl() {
    return schemaUrl;
  }

  public ScopeLogs setSchemaUrl(String v) {
    this.schemaUrl = v == null ? "" : v;
    return this;
  }

  /** Mutable: processors remove records with {@code removeIf} or add to it. */
  public List<LogRecord> logRecords() {
    return logRecords;
  }

  public ScopeLogs copy() {
    List<LogRecord> records = new ArrayList<>(logRecords.size());
    for (LogRecord r : logRecords) records.add(r.copy());
    return new ScopeLogs(scope.copy(), records).setSchemaUrl(schemaUrl);
  }
}
