package io.stacklens.receiver.json;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * Collects accepted {@link MappedRecord}s into one {@link LogsBatch}: records with equal resource
 * attributes share a {@link ResourceLogs}, and within it records of the same scope share a {@link
 * ScopeLogs}, in first-seen order. Not thread-safe; one per batch.
 */
public final class LogsBatchAssembler {
  private record ScopeKey(String name, String version, Attributes attributes) {
    static ScopeKey of(InstrumentationScope s) {
      return new ScopeKey(s.name(), s.version(), s.attributes());
    }
  }

  private final LogsBatch batch = new LogsBatch();
  private final Map<Attributes, ResourceLogs> resources = new HashMap<>();
  private final Map<ResourceLogs, Map<ScopeKey, ScopeLogs>> scopes = new HashMap<>();
  private int records;

  /** Adds an accepted record; throws IllegalArgumentException for a rejected one. */
  public void add(MappedRecord mapped) {
    if (!mapped.ok())
      throw new IllegalArgumentException("a rejected record cannot be added: " + mapped.errors());
    add(mapped.record(), mapped.resource(), mapped.scope());
  }

  /**
   * Adds {@code record} under the resource with {@code resource} attributes and under {@code
   * scope}.
   */
  public void add(LogRecord record, Attributes resource, InstrumentationScope scope) {
    ResourceLogs rl = resources.get(resource);
    if (rl == null) {
      rl = new ResourceLogs(new Resource(resource), new ArrayList<>(1));
      resources.put(resource, rl);
      batch.resourceLogs().add(rl);
    }
    ScopeKey key = ScopeKey.of(scope);
    Map<ScopeKey, ScopeLogs> byScope = scopes.computeIfAbsent(rl, k -> new HashMap<>());
    ScopeLogs sl = byScope.get(key);
    if (sl == null) {
      sl = new ScopeLogs(scope, new ArrayList<>());
      byScope.put(key, sl);
      rl.scopeLogs().add(sl);
    }
    sl.logRecords().add(record);
    records++;
  }

  public int recordCount() {
    return records;
  }

  /** The batch built so far (the same instance on every call). */
  public LogsBatch batch() {
    return batch;
  }
}
