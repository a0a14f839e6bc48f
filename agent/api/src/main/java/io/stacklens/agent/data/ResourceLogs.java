package io.stacklens.agent.data;

import java.util.ArrayList;
import java.util.List;

/** Records of one {@link Resource}, grouped by scope. */
public final class ResourceLogs {
  private final Resource resource;
  private String schemaUrl = "";
  private final List<ScopeLogs> scopeLogs;

  /** An empty resource with no attributes and a new mutable scope list. */
  public ResourceLogs() {
    this(new Resource(), new ArrayList<>());
  }

  /**
   * Records of {@code resource}, grouped in {@code scopeLogs}; both are used as is (not copied),
   * and the list must be mutable.
   */
  public ResourceLogs(Resource resource, List<ScopeLogs> scopeLogs) {
    this.resource = resource;
    this.scopeLogs = scopeLogs;
  }

  /**
   * The resource these records come from; live, so changing its attributes changes every record's
   * resource.
   */
  public Resource resource() {
    return resource;
  }

  /** The schema URL of the resource's attributes; empty, never null, when unset. */
  public String schemaUrl() {
    return schemaUrl;
  }

  /** Sets the resource schema URL; null is stored as the empty string. */
  public ResourceLogs setSchemaUrl(String v) {
    this.schemaUrl = v == null ? "" : v;
    return this;
  }

  /** The scopes of this resource, live and mutable. */
  public List<ScopeLogs> scopeLogs() {
    return scopeLogs;
  }

  /** Number of log records in all scopes of this resource. */
  public int recordCount() {
    int n = 0;
    for (ScopeLogs s : scopeLogs) n += s.logRecords().size();
    return n;
  }

  /** A deep copy: resource, scopes and records are all copied. */
  public ResourceLogs copy() {
    List<ScopeLogs> scopes = new ArrayList<>(scopeLogs.size());
    for (ScopeLogs s : scopeLogs) scopes.add(s.copy());
    return new ResourceLogs(resource.copy(), scopes).setSchemaUrl(schemaUrl);
  }
}
