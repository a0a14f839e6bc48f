package io.stacklens.agent.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Logs: resource -> scope -> records, the mutable form of an OTLP {@code ExportLogsServiceRequest}.
 */
public final class LogsBatch extends BatchMemory {
  private final List<ResourceLogs> resourceLogs;

  /** An empty batch backed by a new mutable list. */
  public LogsBatch() {
    this(new ArrayList<>());
  }

  /**
   * A batch over {@code resourceLogs}, which is used as is (not copied) and must be mutable for
   * {@link #removeEmpty}, {@link #removeRecords} and {@link #appendAll}.
   */
  public LogsBatch(List<ResourceLogs> resourceLogs) {
    this.resourceLogs = resourceLogs;
  }

  /**
   * The resources of this batch, live and mutable: processors may add, remove or reorder entries.
   */
  public List<ResourceLogs> resourceLogs() {
    return resourceLogs;
  }

  @Override
  public Signal signal() {
    return Signal.LOGS;
  }

  @Override
  public int recordCount() {
    int n = 0;
    for (ResourceLogs r : resourceLogs) n += r.recordCount();
    return n;
  }

  @Override
  public LogsBatch copy() {
    List<ResourceLogs> c = new ArrayList<>(resourceLogs.size());
    for (ResourceLogs r : resourceLogs) c.add(r.copy());
    return new LogsBatch(c);
  }

  /** Visits every record with its resource and scope. */
  public void forEachRecord(RecordVisitor visitor) {
    for (ResourceLogs r : resourceLogs) {
      for (ScopeLogs s : r.scopeLogs()) {
        for (LogRecord rec : s.logRecords()) visitor.visit(r, s, rec);
      }
    }
  }

  /** Visits every record. */
  public void forEachRecord(Consumer<LogRecord> visitor) {
    for (ResourceLogs r : resourceLogs) {
      for (ScopeLogs s : r.scopeLogs()) {
        s.logRecords().forEach(visitor);
      }
    }
  }

  /** Removes scopes and resources left without records (after a filter removed records). */
  public void removeEmpty() {
    for (ResourceLogs r : resourceLogs) r.scopeLogs().removeIf(s -> s.logRecords().isEmpty());
    resourceLogs.removeIf(r -> r.scopeLogs().isEmpty());
  }

  /**
   * Moves every resource of {@code other} into this batch; {@code other} must not be used again.
   */
  public void appendAll(LogsBatch other) {
    resourceLogs.addAll(other.resourceLogs);
  }

  /**
   * Removes every record for which {@code drop} answers true, then the scopes and resources left
   * empty. Returns how many records were removed.
   */
  public int removeRecords(RecordPredicate drop) {
    int removed = 0;
    for (ResourceLogs r : resourceLogs) {
      for (ScopeLogs s : r.scopeLogs()) {
        List<LogRecord> records = s.logRecords();
        int before = records.size();
        records.removeIf(rec -> drop.test(r, s, rec)); // one pass, unlike Iterator.remove
        removed += before - records.size();
      }
    }
    if (removed > 0) removeEmpty();
    return removed;
  }

  /**
   * A new batch of the records {@code keep} answers true for, in this batch's order, under new
   * resource and scope entries that share this batch's {@link Resource}, {@link
   * InstrumentationScope} and records: nothing is copied and this batch is unchanged. Resources and
   * scopes without a kept record are left out.
   */
  public LogsBatch selectRecords(RecordPredicate keep) {
    List<ResourceLogs> out = new ArrayList<>();
    for (ResourceLogs r : resourceLogs) {
      ResourceLogs resourceOut = null;
      for (ScopeLogs s : r.scopeLogs()) {
        ScopeLogs scopeOut = null;
        for (LogRecord rec : s.logRecords()) {
          if (!keep.test(r, s, rec)) continue;
          if (resourceOut == null) {
            resourceOut =
                new ResourceLogs(r.resource(), new ArrayList<>()).setSchemaUrl(r.schemaUrl());
            out.add(resourceOut);
          }
          if (scopeOut == null) {
            scopeOut = new ScopeLogs(s.scope(), new ArrayList<>()).setSchemaUrl(s.schemaUrl());
            resourceOut.scopeLogs().add(scopeOut);
          }
          scopeOut.logRecords().add(rec);
        }
      }
    }
    return new LogsBatch(out);
  }

  /**
   * A test of one record with its resource and scope: what {@link #removeRecords} drops, what
   * {@link #selectRecords} keeps.
   */
  @FunctionalInterface
  public interface RecordPredicate {
    /** True to remove {@code record}; must not change the batch's lists. */
    boolean test(ResourceLogs resource, ScopeLogs scope, LogRecord record);
  }

  /**
   * Called by {@link #forEachRecord(RecordVisitor)} for each record with its resource and scope.
   */
  @FunctionalInterface
  public interface RecordVisitor {
    /**
     * Visits one record; may change the record in place, but must not add or remove records, scopes
     * or resources.
     */
    void visit(ResourceLogs resource, ScopeLogs scope, LogRecord record);
  }
}
