package io.stacklens.processor.enrich;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.processor.enrich.lookup.LookupTable;
import java.util.Map;

/** A {@code lookup} step: rows of a {@link LookupTable}, columns mapped to attributes. */
final class TableSource extends KeyedSource {
  private final LookupTable table;
  private final String[] columns;
  private final String[] targets;
  private final String prefix;

  /** {@code columns} column -> attribute; empty: every column as {@code prefix + column}. */
  TableSource(
      String name,
      FieldPath key,
      LookupTable table,
      Map<String, String> columns,
      String prefix,
      TtlCache cache,
      SourceMetrics metrics) {
    super(name, key, cache, metrics);
    this.table = table;
    this.columns = columns.keySet().toArray(new String[0]);
    this.targets = columns.values().toArray(new String[0]);
    this.prefix = prefix;
  }

  @Override
  void start() throws Exception {
    table.start();
  }

  @Override
  Outcome fetch(String k) {
    Attributes row;
    try {
      row = table.get(k);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      return Errors.outcome(e);
    }
    if (row == null) return Outcome.NOT_FOUND;
    Attributes out = new Attributes(columns.length == 0 ? row.size() : columns.length);
    if (columns.length == 0) {
      for (int i = 0; i < row.size(); i++) out.put(prefix + row.key(i), row.value(i));
    } else {
      for (int i = 0; i < columns.length; i++) {
        int at = row.indexOf(columns[i]);
        if (at >= 0 && row.value(at) != null) out.put(targets[i], row.value(at));
      }
    }
    return Outcome.found(out);
  }

  String describe() {
    return table.describe();
  }

  @Override
  public void close() {
    table.close();
  }
}
