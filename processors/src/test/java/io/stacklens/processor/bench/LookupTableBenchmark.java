package io.stacklens.processor.bench;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.testing.postgres.PostgresServer;
import io.stacklens.processor.enrich.lookup.CsvTableConfig;
import io.stacklens.processor.enrich.lookup.LookupTable;
import io.stacklens.processor.enrich.lookup.LookupTables;
import io.stacklens.processor.enrich.lookup.PostgresTableConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Lookups per second of the enrich processor's tables, uncached (the enrich processor puts a cache
 * in front): {@code csv} is an in-memory table of 100k rows from a CSV file (with the reload check
 * on), {@code postgres} one indexed query per key on a local PostgreSQL (PostgresServer) over a
 * pool of 4. Keys cycle over 110k values, so about 9% miss. Run with {@code -t 4} to see the pool
 * shared.
 *
 * <pre>bench/jmh.sh processors LookupTableBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LookupTableBenchmark {
  private static final int ROWS = 100_000;
  private static final int KEYS = 110_000;

  @Param({"csv", "postgres"})
  public String table;

  private Path dir;
  private LookupTable lookup;
  private String[] keys;

  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Math.random() * KEYS);
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) keys[i] = "sku-" + i;
    if (table.equals("csv")) {
      dir = Files.createTempDirectory("lookup-bench");
      Path file = dir.resolve("products.csv");
      StringBuilder sb = new StringBuilder("sku,name,category,price,stock\n");
      for (int i = 0; i < ROWS; i++) {
        sb.append("sku-")
            .append(i)
            .append(",\"Product ")
            .append(i)
            .append(", large\",cat-")
            .append(i % 40)
            .append(',')
            .append(i % 997)
            .append(".99,")
            .append(i % 500)
            .append('\n');
      }
      Files.writeString(file, sb);
      CsvTableConfig c = new CsvTableConfig();
      c.path = file.toString();
      c.columnTypes =
          Map.of("price", CsvTableConfig.ColumnType.DOUBLE, "stock", CsvTableConfig.ColumnType.INT);
      lookup = LookupTables.csv(c);
    } else {
      PostgresServer server = PostgresServer.shared();
      String url = server.createDatabase("lookup_bench");
      try (Connection conn = DriverManager.getConnection(url);
          Statement s = conn.createStatement()) {
        s.execute(
            "CREATE TABLE products (sku text PRIMARY KEY, name text, category text, price numeric(10,2), stock int)");
        s.execute(
            "INSERT INTO products SELECT 'sku-' || i, 'Product ' || i || ', large', 'cat-' || (i % 40),"
                + " (i % 997) + 0.99, i % 500 FROM generate_series(0, "
                + (ROWS - 1)
                + ") i");
        s.execute("ANALYZE products");
      }
      PostgresTableConfig c = new PostgresTableConfig();
      c.endpoint = server.endpointOf("lookup_bench");
      c.user = server.user();
      c.password = server.password();
      c.query = "SELECT name, category, price, stock FROM products WHERE sku = ?";
      lookup = LookupTables.postgres(c);
    }
    lookup.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    lookup.close();
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Benchmark
  public Attributes get(Cursor cursor) throws Exception {
    int i = cursor.next;
    cursor.next = i + 1 == KEYS ? 0 : i + 1;
    return lookup.get(keys[i]);
  }
}
