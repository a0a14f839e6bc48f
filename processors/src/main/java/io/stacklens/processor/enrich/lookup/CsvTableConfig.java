package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lookup table read from a CSV file (RFC 4180: fields may be quoted with {@code "}, a quote
 * inside a quoted field is written {@code ""}, quoted fields may hold the delimiter and line
 * breaks).
 *
 * <pre>
 * path: /etc/stacklens/products.csv   # required, UTF-8
 * key_column: sku                     # default: the first column
 * delimiter: ","                      # one character; "\t" for TSV
 * header: true                        # the first line names the columns
 * columns: [sku, name, price]         # column names when header is false
 * column_types: {price: double}       # string (default), int, double or bool
 * reload: true                        # re-read the file when it changes
 * reload_check_interval: 5s           # how often its modification time and size are compared
 * </pre>
 */
public class CsvTableConfig implements ComponentConfig {
  /** The type a column's values get; cells of other columns stay strings. */
  public enum ColumnType {
    /** The cell as written. */
    STRING,
    /** A 64-bit integer ({@link Long}). */
    INT,
    /** A 64-bit floating point number ({@link Double}). */
    DOUBLE,
    /** {@code true} / {@code false} (any case). */
    BOOL
  }

  /** The CSV file. Required. */
  public String path;

  /** The column looked up by key; null means the first column. */
  public String keyColumn;

  /** The field separator: exactly one character. */
  public String delimiter = ",";

  /** True when the first line holds the column names; false requires {@link #columns}. */
  public boolean header = true;

  /** Column names for a file without a header line (in file order). */
  public List<String> columns;

  /**
   * Types of columns by name; columns not listed are strings. An empty cell of a typed column is
   * left out of the row.
   */
  public Map<String, ColumnType> columnTypes;

  /** Re-read the file when its modification time or size changes. */
  public boolean reload = true;

  /** The file's modification time and size are checked at most this often. */
  public Duration reloadCheckInterval = Duration.ofSeconds(5);

  @Override
  public void validate(ConfigProblems problems) {
    if (path == null || path.isBlank()) {
      problems.error("path", "is required: the CSV file to read, e.g. /etc/stacklens/products.csv");
    } else if (path.endsWith("/")) {
      problems.error("path", "must name a file, not a directory: '" + path + "'");
    }
    if (delimiter == null || delimiter.length() != 1) {
      problems.error(
          "delimiter",
          "must be exactly one character (\",\", \";\", \"\\t\", \"|\"), got "
              + (delimiter == null ? "nothing" : "'" + delimiter + "'"));
    } else if (delimiter.charAt(0) == '"'
        || delimiter.charAt(0) == '\n'
        || delimiter.charAt(0) == '\r') {
      problems.error("delimiter", "cannot be a quote or a line break");
    }
    if (keyColumn != null && keyColumn.isBlank()) {
      problems.error("key_column", "must name a column (leave it out to use the first column)");
    }
    if (header) {
      if (columns != null && !columns.isEmpty()) {
        problems.error(
            "columns",
            "is only for files without a header line: set header: false, or remove columns "
                + "to take the names from the first line");
      }
    } else if (columns == null || columns.isEmpty()) {
      problems.error(
          "columns",
          "is required when header is false: the column names in file order, e.g. [sku, name, price]");
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < columns.size(); i++) {
        String c = columns.get(i);
        if (c == null || c.isBlank()) {
          problems.error("columns[" + i + "]", "must not be empty");
        } else if (!seen.add(c)) {
          problems.error("columns[" + i + "]", "'" + c + "' is listed twice");
        }
      }
      if (keyColumn != null && !keyColumn.isBlank() && !columns.contains(keyColumn)) {
        problems.error("key_column", "'" + keyColumn + "' is not one of columns " + columns);
      }
    }
    if (columnTypes != null) {
      for (Map.Entry<String, ColumnType> e : columnTypes.entrySet()) {
        if (e.getValue() == null) {
          problems.error("column_types." + e.getKey(), "must be string, int, double or bool");
        } else if (!header
            && columns != null
            && !columns.isEmpty()
            && !columns.contains(e.getKey())) {
          problems.error(
              "column_types." + e.getKey(),
              "'" + e.getKey() + "' is not one of columns " + columns);
        }
      }
    }
    if (reloadCheckInterval == null
        || reloadCheckInterval.isNegative()
        || reloadCheckInterval.isZero()) {
      problems.error(
          "reload_check_interval",
          "must be a positive duration (e.g. 5s), got "
              + Durations.describe(reloadCheckInterval)
              + (reload ? "" : "; it is unused with reload: false"));
    }
  }

  /** The delimiter character; call after {@link #validate}. */
  char delimiterChar() {
    return delimiter.charAt(0);
  }
}
