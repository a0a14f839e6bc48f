package io.stacklens.agent.expr;

import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;

/**
 * One log record with the resource and scope it belongs to: what conditions and field paths read
 * and write. Mutable and reusable: a processor keeps one and {@link #set}s it per record, so
 * evaluating a condition allocates nothing.
 */
public final class LogContext {
  private ResourceLogs resource;
  private ScopeLogs scope;
  private LogRecord record;

  public LogContext() {}

  public LogContext(ResourceLogs resource, ScopeLogs scope, LogRecord record) {
    set(resource, scope, record);
  }

  public LogContext set(ResourceLogs resource, ScopeLogs scope, LogRecord record) {
    this.resource = resource;
    this.scope = scope;
    this.record = record;
    return this;
  }

  public ResourceLogs resource() {
    return resource;
  }

  public ScopeLogs scope() {
    return scope;
  }

  public LogRecord record() {
    return record;
  }
}
