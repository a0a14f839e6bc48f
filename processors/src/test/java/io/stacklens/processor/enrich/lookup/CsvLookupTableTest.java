package io.stacklens.processor.enrich.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.processor.enrich.lookup.CsvTableConfig.ColumnType;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLookupTableTest {
  @TempDir Path dir;
  private final List<LookupTable> opened = new ArrayList<>();

  @AfterEach
  void closeTables() {
    opened.forEach(LookupTable::close);
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private CsvTableConfig config(Path file) {
    CsvTableConfig c = new CsvTableConfig();
    c.path = file.toString();
    return c;
  }

  private CsvLookupTable started(CsvTableConfig config) throws IOException {
    assertThat(Problems.of(config)).isEmpty();
    CsvLookupTable t = LookupTables.csv(config);
    opened.add(t);
    t.start();
    return t;
  }

  /**
   * Rewrites the file and moves its modification time forward, so a change is seen even within one
   * clock tick.
   */
  private static void rewrite(Path file, String content, int secondsLater) throws IOException {
    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + secondsLater * 1000L));
  }

  @Test
  void readsRowsByFirstColumnWithEveryColumnAsString() throws Exception {
    Path f = write("products.csv", "sku,name,price\nA1,Apple,1.5\nB2,Banana,0.25\n");
    CsvLookupTable t = started(config(f));

    assertThat(t.get("A1")).isEqualTo(Attributes.of("sku", "A1", "name", "Apple", "price", "1.5"));
    assertThat(t.get("B2").get("name")).isEqualTo("Banana");
    assertThat(t.get("C3")).isNull();
    assertThat(t.get("a1")).as("keys are case-sensitive").isNull();
    assertThat(t.get("")).isNull();
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.describe()).isEqualTo("csv file " + f);
  }

  @Test
  void typedColumnsBecomeLongDoubleAndBoolAndEmptyTypedCellsAreLeftOut() throws Exception {
    Path f =
        write(
            "t.csv",
            "id,count,price,active,note\n"
                + "1,42,9.99,true,x\n"
                + "2,-7,1e3,FALSE,\n"
                + "3,,,,\n"
                + "4, 5 , 2.5 , True ,  padded  \n");
    CsvTableConfig c = config(f);
    c.columnTypes =
        new LinkedHashMap<>(
            Map.of(
                "count",
                ColumnType.INT,
                "price",
                ColumnType.DOUBLE,
                "active",
                ColumnType.BOOL,
                "note",
                ColumnType.STRING));
    CsvLookupTable t = started(c);

    Attributes r1 = t.get("1");
    assertThat(r1.get("count")).isEqualTo(42L);
    assertThat(r1.get("price")).isEqualTo(9.99);
    assertThat(r1.get("active")).isEqualTo(true);
    assertThat(r1.get("id")).as("untyped columns stay strings").isEqualTo("1");
    Attributes r2 = t.get("2");
    assertThat(r2.get("count")).isEqualTo(-7L);
    assertThat(r2.get("price")).isEqualTo(1000.0);
    assertThat(r2.get("active")).isEqualTo(false);
    assertThat(r2.get("note")).as("an empty string cell is kept").isEqualTo("");
    Attributes r3 = t.get("3");
    assertThat(r3.contains("count")).isFalse();
    assertThat(r3.contains("price")).isFalse();
    assertThat(r3.contains("active")).isFalse();
    assertThat(r3).isEqualTo(Attributes.of("id", "3", "note", ""));
    Attributes r4 = t.get("4");
    assertThat(r4.get("count")).as("typed cells are trimmed").isEqualTo(5L);
    assertThat(r4.get("price")).isEqualTo(2.5);
    assertThat(r4.get("active")).isEqualTo(true);
    assertThat(r4.get("note")).as("string cells are not").isEqualTo("  padded  ");
  }

  @Test
  void quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws Exception {
    Path f =
        write(
            "q.csv",
            "\uFEFFkey,text,other\r\n"
                + "\"k1\",\"a, b\",plain\r\n"
                + "k2,\"she said \"\"hi\"\"\",\"\"\r\n"
                + "\r\n"
                + "k3,\"line one\nline two\r\nline three\",x\r\n"
                + "k4,un\"quoted,y\r\n"
                + "\"k,5\",last,\"no newline at end\"");
    CsvLookupTable t = started(config(f));

    assertThat(t.get("k1").get("text")).isEqualTo("a, b");
    assertThat(t.get("k2").get("text")).isEqualTo("she said \"hi\"");
    assertThat(t.get("k2").get("other")).isEqualTo("");
    assertThat(t.get("k3").get("text")).isEqualTo("line one\nline two\r\nline three");
    assertThat(t.get("k4").get("text"))
        .as("a quote inside an unquoted field is a character")
        .isEqualTo("un\"quoted");
    assertThat(t.get("k,5").get("other")).isEqualTo("no newline at end");
    assertThat(t.get("k1").key(0))
        .as("the byte order mark is not part of the first column name")
        .isEqualTo("key");
    assertThat(t.size()).isEqualTo(5);
  }

  @Test
  void keyColumnOtherDelimiterAndHeaderlessFilesWithColumns() throws Exception {
    Path semi = write("semi.csv", "name;email;team\nAna;ana@x.io;core\nBo;bo@x.io;edge\n");
    CsvTableConfig c = config(semi);
    c.delimiter = ";";
    c.keyColumn = "email";
    CsvLookupTable t = started(c);
    assertThat(t.get("bo@x.io"))
        .isEqualTo(Attributes.of("name", "Bo", "email", "bo@x.io", "team", "edge"));
    assertThat(t.get("Bo")).isNull();

    Path tsv = write("plain.tsv", "10.0.0.1\tweb-1\t80\n10.0.0.2\tdb-1\t5432\n");
    CsvTableConfig c2 = config(tsv);
    c2.delimiter = "\t";
    c2.header = false;
    c2.columns = List.of("ip", "host", "port");
    c2.columnTypes = Map.of("port", ColumnType.INT);
    CsvLookupTable t2 = started(c2);
    assertThat(t2.get("10.0.0.2"))
        .isEqualTo(Attributes.of("ip", "10.0.0.2", "host", "db-1", "port", 5432L));
    assertThat(t2.size()).as("without a header the first line is data").isEqualTo(2);
  }

  @Test
  void duplicateKeysKeepTheLastRow() throws Exception {
    Path f = write("d.csv", "k,v\na,1\nb,2\na,3\n");
    CsvLookupTable t = started(config(f));
    assertThat(t.get("a").get("v")).isEqualTo("3");
    assertThat(t.size()).isEqualTo(2);
  }

  @Test
  void headerOnlyFileIsAnEmptyTable() throws Exception {
    CsvLookupTable t = started(config(write("h.csv", "k,v\n")));
    assertThat(t.size()).isZero();
    assertThat(t.get("k")).isNull();
  }

  @Test
  void startFailsWithAClearMessageForEveryBadFile() throws Exception {
    assertStartFails(
            config(dir.resolve("missing.csv")),
            "csv file " + dir.resolve("missing.csv") + ": file not found")
        .isInstanceOf(FileNotFoundException.class);

    CsvTableConfig key = config(write("key.csv", "a,b\n1,2\n"));
    key.keyColumn = "id";
    assertStartFails(key, "key_column 'id' is not a column; the columns are [a, b]");

    assertStartFails(
        config(write("ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n")),
        "ragged.csv, row 2 (line 3): 2 fields, but the header has 3");
    assertStartFails(
        config(write("ragged2.csv", "a,b\n\"multi\nline\",2\n4,5,6\n")),
        "row 2 (line 4): 3 fields, but the header has 2");

    CsvTableConfig typed = config(write("typed.csv", "a,n\nx,1\ny,one\n"));
    typed.columnTypes = Map.of("n", ColumnType.INT);
    assertStartFails(typed, "row 2 (line 3): column 'n' is typed int, but holds 'one'");
    CsvTableConfig bool = config(write("bool.csv", "a,b\nx,yes\n"));
    bool.columnTypes = Map.of("b", ColumnType.BOOL);
    assertStartFails(bool, "row 1 (line 2): column 'b' is typed bool, but holds 'yes'");
    CsvTableConfig unknownType = config(write("ut.csv", "a,b\nx,1\n"));
    unknownType.columnTypes = Map.of("price", ColumnType.DOUBLE);
    assertStartFails(
        unknownType, "column_types.price: 'price' is not a column; the columns are [a, b]");

    assertStartFails(
        config(write("open.csv", "a,b\nx,\"never closed\ny,2\n")),
        "line 2: quoted field is not closed before the end of the file");
    assertStartFails(
        config(write("after.csv", "a,b\nx,\"q\"z\n")),
        "line 2: unexpected character 'z' after the closing quote of field 2");
    assertStartFails(
        config(write("dup.csv", "a,b,a\n1,2,3\n")),
        "line 1: column name 'a' appears twice in the header");
    assertStartFails(
        config(write("noname.csv", "a,,c\n1,2,3\n")), "line 1: column 2 of the header has no name");
    assertStartFails(
        config(write("empty.csv", "")),
        "the file is empty, but header: true expects the column names");

    Path latin1 = dir.resolve("latin1.csv");
    Files.write(latin1, new byte[] {'a', ',', 'b', '\n', 'x', ',', (byte) 0xE9, '\n'});
    assertStartFails(config(latin1), "not valid UTF-8");

    CsvTableConfig noHeader = config(write("nh.csv", "1,2,3\n"));
    noHeader.header = false;
    noHeader.columns = List.of("a", "b");
    assertStartFails(noHeader, "row 1 (line 1): 3 fields, but columns lists 2");
  }

  private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertStartFails(
      CsvTableConfig config, String message) {
    CsvLookupTable t = LookupTables.csv(config);
    opened.add(t);
    return assertThatThrownBy(t::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(message);
  }

  @Test
  void changedFileIsReloadedAfterTheCheckInterval() throws Exception {
    Path f = write("r.csv", "k,v\na,1\n");
    CsvTableConfig c = config(f);
    c.reloadCheckInterval = Duration.ofMillis(50);
    CsvLookupTable t = started(c);
    assertThat(t.get("a").get("v")).isEqualTo("1");

    rewrite(f, "k,v\na,2\nb,3\n", 1);
    assertThat(t.get("a").get("v")).as("not checked again before the interval").isEqualTo("1");
    Thread.sleep(80);
    assertThat(t.get("a").get("v")).isEqualTo("2");
    assertThat(t.get("b").get("v")).isEqualTo("3");
    assertThat(t.reloads()).isEqualTo(1);

    // same size, only the modification time differs
    rewrite(f, "k,v\na,7\nb,8\n", 2);
    Thread.sleep(80);
    assertThat(t.get("a").get("v")).isEqualTo("7");
    assertThat(t.reloads()).isEqualTo(2);

    // unchanged: checked, not re-read
    Thread.sleep(80);
    t.get("a");
    assertThat(t.checkForChange()).isFalse();
    assertThat(t.reloads()).isEqualTo(2);

    // replaced by renaming another file over it (same size and time: the file identity changed)
    Path next = write("r.next", "k,v\na,9\nb,9\n");
    Files.setLastModifiedTime(next, Files.getLastModifiedTime(f));
    Files.move(next, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(t.checkForChange()).isTrue();
    assertThat(t.get("a").get("v")).isEqualTo("9");
  }

  @Test
  void noReloadWhenReloadIsOffOrTheIntervalHasNotPassed() throws Exception {
    Path f = write("off.csv", "k,v\na,1\n");
    CsvTableConfig off = config(f);
    off.reload = false;
    off.reloadCheckInterval = Duration.ofMillis(1);
    CsvLookupTable t = started(off);

    CsvTableConfig slow = config(f);
    slow.reloadCheckInterval = Duration.ofHours(1);
    CsvLookupTable t2 = started(slow);

    rewrite(f, "k,v\na,2\n", 1);
    Thread.sleep(20);
    assertThat(t.get("a").get("v")).isEqualTo("1");
    assertThat(t2.get("a").get("v")).isEqualTo("1");
    assertThat(t.reloads()).isZero();
    assertThat(t2.reloads()).isZero();
  }

  @Test
  void failedReloadKeepsThePreviousRowsAndCountsOncePerVersion() throws Exception {
    Path f = write("bad.csv", "k,v\na,1\nb,2\n");
    CsvTableConfig c = config(f);
    c.reloadCheckInterval = Duration.ofMillis(1);
    CsvLookupTable t = started(c);

    rewrite(f, "k,v\na,10\nb\n", 1);
    Thread.sleep(5);
    assertThat(t.get("a").get("v")).as("old rows kept").isEqualTo("1");
    assertThat(t.reloadFailures()).isEqualTo(1);
    assertThat(t.lastReloadError())
        .contains("row 2 (line 3): 1 fields, but the header has 2")
        .contains("keeping the 2 rows");
    Thread.sleep(5);
    t.get("a");
    assertThat(t.checkForChange()).isFalse();
    assertThat(t.reloadFailures()).as("the same broken version is not retried").isEqualTo(1);

    rewrite(f, "k,v\na,11\nb,12\n", 2);
    Thread.sleep(5);
    assertThat(t.get("a").get("v")).isEqualTo("11");
    assertThat(t.lastReloadError()).isNull();
    assertThat(t.reloads()).isEqualTo(1);

    // deleted: old rows kept, reported once; back: loaded
    Files.delete(f);
    Thread.sleep(5);
    assertThat(t.get("b").get("v")).isEqualTo("12");
    assertThat(t.checkForChange()).isFalse();
    assertThat(t.reloadFailures()).isEqualTo(2);
    assertThat(t.lastReloadError()).contains("the file is gone");
    write("bad.csv", "k,v\nb,13\n");
    Thread.sleep(5);
    assertThat(t.get("b").get("v")).isEqualTo("13");
    assertThat(t.get("a")).isNull();
    assertThat(t.reloads()).isEqualTo(2);
  }

  @Test
  void concurrentReadersSeeWholeVersionsWhileTheFileChanges() throws Exception {
    int keys = 200;
    Path f = dir.resolve("conc.csv");
    Files.writeString(f, version(keys, 0));
    CsvTableConfig c = config(f);
    c.reloadCheckInterval = Duration.ofMillis(1);
    c.columnTypes = Map.of("version", ColumnType.INT, "check", ColumnType.INT);
    CsvLookupTable t = started(c);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong newestSeen = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Long>> readers = new ArrayList<>();
    for (int r = 0; r < 8; r++) {
      int seed = r;
      readers.add(
          pool.submit(
              () -> {
                long reads = 0;
                long lastVersion = 0;
                int i = seed;
                while (!stop.get()) {
                  int k = i++ % keys;
                  Attributes row = t.get("k" + k);
                  long v = (Long) row.get("version");
                  if (!row.get("check").equals(v * 1000 + k))
                    throw new AssertionError("row of two versions: " + row);
                  if (v < lastVersion)
                    throw new AssertionError("version went back from " + lastVersion + " to " + v);
                  lastVersion = v;
                  newestSeen.accumulateAndGet(v, Math::max);
                  reads++;
                }
                return reads;
              }));
    }
    for (int v = 1; v <= 5; v++) {
      Path tmp = dir.resolve("conc.tmp");
      Files.writeString(tmp, version(keys, v));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (newestSeen.get() < v && System.nanoTime() < deadline) Thread.sleep(1);
      assertThat(newestSeen.get()).as("a reader saw version " + v).isEqualTo(v);
    }
    stop.set(true);
    for (Future<Long> r : readers) assertThat(r.get(10, TimeUnit.SECONDS)).isPositive();
    pool.shutdown();
    assertThat(t.get("k7").get("check")).isEqualTo(5007L);
    assertThat(t.reloads()).isEqualTo(5);
    assertThat(t.reloadFailures()).isZero();
  }

  private static String version(int keys, int v) {
    StringBuilder sb = new StringBuilder("key,version,check\n");
    for (int k = 0; k < keys; k++)
      sb.append('k').append(k).append(',').append(v).append(',').append(v * 1000L + k).append('\n');
    return sb.toString();
  }

  @Test
  void getBeforeStartOrAfterCloseFails() throws Exception {
    CsvLookupTable t = LookupTables.csv(config(write("x.csv", "k\na\n")));
    assertThatThrownBy(() -> t.get("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not started");
    t.start();
    assertThat(t.get("a")).isNotNull();
    t.close();
    assertThatThrownBy(() -> t.get("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void validationNamesEachBadOption() {
    CsvTableConfig c = new CsvTableConfig();
    assertThat(c.delimiter).isEqualTo(",");
    assertThat(c.header).isTrue();
    assertThat(c.reload).isTrue();
    assertThat(c.reloadCheckInterval).isEqualTo(Duration.ofSeconds(5));
    assertThat(Problems.of(c))
        .containsExactly(
            "path: is required: the CSV file to read, e.g. /etc/stacklens/products.csv");

    c.path = "/etc/tables/";
    c.delimiter = ";;";
    c.keyColumn = " ";
    c.columns = List.of("a");
    c.reloadCheckInterval = Duration.ZERO;
    c.columnTypes = new LinkedHashMap<>();
    c.columnTypes.put("price", null);
    assertThat(Problems.of(c))
        .containsExactly(
            "path: must name a file, not a directory: '/etc/tables/'",
            "delimiter: must be exactly one character (\",\", \";\", \"\\t\", \"|\"), got ';;'",
            "key_column: must name a column (leave it out to use the first column)",
            "columns: is only for files without a header line: set header: false, or remove columns to take the names from the first line",
            "column_types.price: must be string, int, double or bool",
            "reload_check_interval: must be a positive duration (e.g. 5s), got 0s");

    CsvTableConfig h = new CsvTableConfig();
    h.path = "p.csv";
    h.delimiter = "\"";
    h.header = false;
    assertThat(Problems.of(h))
        .containsExactly(
            "delimiter: cannot be a quote or a line break",
            "columns: is required when header is false: the column names in file order, e.g. [sku, name, price]");

    h.delimiter = "\t";
    h.columns = java.util.Arrays.asList("a", "b", "a", "");
    h.keyColumn = "id";
    h.columnTypes = Map.of("c", ColumnType.INT);
    assertThat(Problems.of(h))
        .containsExactly(
            "columns[2]: 'a' is listed twice",
            "columns[3]: must not be empty",
            "key_column: 'id' is not one of columns [a, b, a, ]",
            "column_types.c: 'c' is not one of columns [a, b, a, ]");

    CsvTableConfig nul = new CsvTableConfig();
    nul.path = "p.csv";
    nul.delimiter = null;
    nul.reload = false;
    nul.reloadCheckInterval = null;
    assertThat(Problems.of(nul))
        .containsExactly(
            "delimiter: must be exactly one character (\",\", \";\", \"\\t\", \"|\"), got nothing",
            "reload_check_interval: must be a positive duration (e.g. 5s), got nothing; it is unused with reload: false");
  }
}
