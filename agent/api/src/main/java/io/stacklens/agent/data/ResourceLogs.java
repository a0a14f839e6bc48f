package io.stacklens.agent.data;

import java.util.ArrayList;
import java.util.List;

/** Records of one {@link Resource}, grouped by scope. */
public final class ResourceLogs {
  private final Resource resource;
  private String schemaUrl = "";
  private final List<ScopeLogs> scopeLogs;

  public ResourceLogs() {
    this(new Resource(), new ArrayList<>());
  }

  public ResourceLogs(Resource resource, List<ScopeLogs> scopeLogs) {
    this.resource = resource;
    this.scopeLogs = scopeLogs;
  }

  public Resource resource() {
    return resource;
  }

  public String schemaUrl() {
    return schemaUrl;
  }

  public ResourceLogs setSchemaUrl(String v) {
    this.schemaUrl = v == null ? "" : v;
    return this;
  }

  public List<ScopeLogs> scopeLogs() {
    return scopeLogs;
  }

  public int recordCount() {
    int n = 0;
    for (ScopeLogs s : scopeLogs) n += s.logRecords().size();
    return n;
  }

  public ResourceLogs copy() {
    List<ScopeLogs> scopes = new ArrayList<>(scopeLogs.size());
    for (ScopeLogs s : scopeLogs) scopes.add(s.copy());
    return new ResourceLogs(resource.copy(), scopes).setSchemaUrl(schemaUrl);
  }
}
