package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.data.Attributes;
import io.stacklens.processor.enrich.lookup.CsvReader.CsvFormatException;
import io.stacklens.processor.enrich.lookup.CsvTableConfig.ColumnType;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Reader;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link LookupTable} held in memory from a CSV file. The whole file is parsed into an immutable
 * snapshot; {@link #get} is a hash lookup. With {@code reload}, a {@link #get} call at most every
 * {@code reload_check_interval} compares the file's modification time, size and identity with those
 * of the loaded version (one thread checks, the others go on reading the current snapshot) and
 * re-reads it when they differ. A reload that fails (file gone, malformed) keeps the previous
 * snapshot, logs a warning once per file version and is counted in {@link #reloadFailures()}.
 *
 * <p>A row holds every column of the record, the key column included, in file order. String cells
 * are kept as written (an empty cell is the empty string); a typed cell that is empty is left out.
 * Rows returned by {@link #get} are shared: callers must not modify them.
 */
public final class CsvLookupTable implements LookupTable {
  private static final Logger LOG = System.getLogger(CsvLookupTable.class.getName());

  /** What was loaded, from which file version. */
  private record Snapshot(Map<String, Attributes> rows, FileVersion version) {}

  /** Identity of one version of the file: changes when it is rewritten or replaced. */
  private record FileVersion(long modifiedNanos, long size, Object fileKey) {
    static FileVersion of(Path path) throws IOException {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return new FileVersion(
          a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
          a.size(),
          a.fileKey());
    }
  }

  private final CsvTableConfig config;
  private final Path path;
  private final long checkIntervalNanos;
  private final ReentrantLock checkLock = new ReentrantLock();
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong reloadFailures = new AtomicLong();

  private volatile Snapshot snapshot;
  private volatile long nextCheckNanos;

  /**
   * The last version whose reload failed: not retried (nor logged again) until the file changes
   * again.
   */
  private FileVersion failedVersion;

  private boolean reportedMissing;
  private volatile String lastReloadError;

  CsvLookupTable(CsvTableConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.path = Path.of(config.path);
    this.checkIntervalNanos = config.reloadCheckInterval.toNanos();
  }

  @Override
  public void start() throws IOException {
    FileVersion version;
    try {
      version = FileVersion.of(path);
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(describe() + ": file not found");
    }
    snapshot = new Snapshot(load(), version);
    nextCheckNanos = System.nanoTime() + checkIntervalNanos;
  }

  @Override
  public Attributes get(String key) {
    Snapshot s = snapshot;
    if (s == null) throw new IllegalStateException(describe() + ": not started, or closed");
    if (config.reload && System.nanoTime() - nextCheckNanos >= 0 && checkLock.tryLock()) {
      try {
        if (System.nanoTime() - nextCheckNanos >= 0) {
          checkForChange();
          nextCheckNanos = System.nanoTime() + checkIntervalNanos;
          s = snapshot;
        }
      } finally {
        checkLock.unlock();
      }
    }
    return s.rows.get(key);
  }

  /**
   * Reloads the file now if it changed since the last load; returns true when a new version was
   * loaded. Called by {@link #get} every {@code reload_check_interval}; public for tests and tools.
   */
  public boolean checkForChange() {
    checkLock.lock();
    try {
      FileVersion current;
      try {
        current = FileVersion.of(path);
      } catch (NoSuchFileException e) {
        if (!reportedMissing) {
          reportedMissing = true;
          reloadFailed(
              "the file is gone; keeping the " + snapshot.rows.size() + " rows loaded before");
        }
        return false;
      } catch (IOException e) {
        reloadFailed("cannot read its attributes: " + e + "; keeping the rows loaded before");
        return false;
      }
      reportedMissing = false;
      if (current.equals(snapshot.version) || current.equals(failedVersion)) return false;
      try {
        Map<String, Attributes> rows = load();
        snapshot = new Snapshot(rows, current);
        failedVersion = null;
        lastReloadError = null;
        reloads.incrementAndGet();
        LOG.log(Level.INFO, () -> describe() + ": reloaded, " + rows.size() + " rows");
        return true;
      } catch (IOException e) {
        failedVersion = current;
        reloadFailed(
            e.getMessage() + "; keeping the " + snapshot.rows.size() + " rows loaded before");
        return false;
      }
    } finally {
      checkLock.unlock();
    }
  }

  private void reloadFailed(String message) {
    reloadFailures.incrementAndGet();
    lastReloadError = message;
    LOG.log(Level.WARNING, () -> describe() + ": reload failed: " + message);
  }

  /** Successful reloads since start. */
  public long reloads() {
    return reloads.get();
  }

  /** Reloads that failed (each changed file version counts once) since start. */
  public long reloadFailures() {
    return reloadFailures.get();
  }

  /** Why the last reload failed, or null when the last one worked (or none failed). */
  public String lastReloadError() {
    return lastReloadError;
  }

  /** Rows currently loaded. */
  public int size() {
    Snapshot s = snapshot;
    return s == null ? 0 : s.rows.size();
  }

  @Override
  public String describe() {
    return "csv file " + path;
  }

  @Override
  public void close() {
    snapshot = null;
  }

  /**
   * Parses the whole file; its version is read before, so a change while reading is seen next time.
   */
  private Map<String, Attributes> load() throws IOException {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (Reader reader = new java.io.InputStreamReader(Files.newInputStream(path), decoder)) {
      return parse(new CsvReader(reader, config.delimiterChar()));
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(describe() + ": file not found");
    } catch (CharacterCodingException e) {
      throw new CsvFormatException(describe() + ": not valid UTF-8 (" + e.getMessage() + ")");
    } catch (CsvFormatException e) {
      throw new CsvFormatException(describe() + ", " + e.getMessage());
    }
  }

  private Map<String, Attributes> parse(CsvReader csv) throws IOException {
    String[] names;
    if (config.header) {
      List<String> head = csv.next();
      if (head == null)
        throw new CsvFormatException(
            "line 1: the file is empty, but header: true expects the column names");
      names = head.toArray(new String[0]);
      for (int i = 0; i < names.length; i++) {
        names[i] = names[i].strip();
        if (names[i].isEmpty()) {
          throw new CsvFormatException(
              "line " + csv.recordLine() + ": column " + (i + 1) + " of the header has no name");
        }
        for (int j = 0; j < i; j++) {
          if (names[j].equals(names[i])) {
            throw new CsvFormatException(
                "line "
                    + csv.recordLine()
                    + ": column name '"
                    + names[i]
                    + "' appears twice in the header");
          }
        }
      }
    } else {
      names = config.columns.toArray(new String[0]);
    }
    int keyIndex = 0;
    if (config.keyColumn != null) {
      keyIndex = List.of(names).indexOf(config.keyColumn);
      if (keyIndex < 0) {
        throw new CsvFormatException(
            "key_column '"
                + config.keyColumn
                + "' is not a column; the columns are "
                + List.of(names));
      }
    }
    ColumnType[] types = new ColumnType[names.length];
    java.util.Arrays.fill(types, ColumnType.STRING);
    if (config.columnTypes != null) {
      for (Map.Entry<String, ColumnType> e : config.columnTypes.entrySet()) {
        int i = List.of(names).indexOf(e.getKey());
        if (i < 0) {
          throw new CsvFormatException(
              "column_types."
                  + e.getKey()
                  + ": '"
                  + e.getKey()
                  + "' is not a column; the columns are "
                  + List.of(names));
        }
        types[i] = e.getValue();
      }
    }

    Map<String, Attributes> rows = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    int duplicateCount = 0;
    List<String> fields;
    int rowNumber = 0;
    while ((fields = csv.next()) != null) {
      rowNumber++;
      if (fields.size() != names.length) {
        throw new CsvFormatException(
            where(rowNumber, csv)
                + ": "
                + fields.size()
                + " fields, but "
                + (config.header ? "the header has " : "columns lists ")
                + names.length);
      }
      Attributes row = new Attributes(names.length);
      for (int i = 0; i < names.length; i++) {
        String cell = fields.get(i);
        if (types[i] == ColumnType.STRING) {
          row.append(names[i], cell);
        } else if (!cell.isBlank()) {
          row.append(names[i], convert(cell.strip(), types[i], names[i], where(rowNumber, csv)));
        }
      }
      String key = fields.get(keyIndex);
      if (rows.put(key, row) != null) {
        duplicateCount++;
        if (duplicates.size() < 5) duplicates.add("'" + key + "' (" + where(rowNumber, csv) + ")");
      }
    }
    if (duplicateCount > 0) {
      int n = duplicateCount;
      LOG.log(
          Level.WARNING,
          () ->
              describe()
                  + ": "
                  + n
                  + " duplicate key(s) in column '"
                  + names[keyIndexOf(names)]
                  + "', the last row wins: "
                  + String.join(", ", duplicates)
                  + (n > duplicates.size() ? ", ..." : ""));
    }
    return rows;
  }

  private int keyIndexOf(String[] names) {
    return config.keyColumn == null ? 0 : List.of(names).indexOf(config.keyColumn);
  }

  private static String where(int rowNumber, CsvReader csv) {
    return "row " + rowNumber + " (line " + csv.recordLine() + ")";
  }

  private static Object convert(String cell, ColumnType type, String column, String where)
      throws CsvFormatException {
    try {
      return switch (type) {
        case INT -> Long.parseLong(cell);
        case DOUBLE -> Double.parseDouble(cell);
        case BOOL -> {
          String v = cell.toLowerCase(Locale.ROOT);
          if (v.equals("true")) yield Boolean.TRUE;
          if (v.equals("false")) yield Boolean.FALSE;
          throw new NumberFormatException();
        }
        case STRING -> cell;
      };
    } catch (NumberFormatException e) {
      throw new CsvFormatException(
          where
              + ": column '"
              + column
              + "' is typed "
              + type.name().toLowerCase(Locale.ROOT)
              + ", but holds '"
              + cell
              + "'");
    }
  }
}
