package io.stacklens.exporter.postgres.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The baseline of {@code bench/loadgen-postgres.sh}: plain JDBC COPY of the very rows the agent
 * wrote. Reads them back from the agent's table as COPY text, creates an empty twin table with the
 * same columns, keys and indexes ({@code LIKE ... INCLUDING ALL}), then COPYs the rows into it in
 * chunks of {@code batchRows}, one transaction per chunk (as the exporter commits one batch per
 * transaction), and prints rows/s. Nothing else runs meanwhile, so it is what the server can take
 * from one client.
 *
 * <pre>java -cp &lt;exporters test classpath&gt; ...PostgresCopyBaseline JDBC_URL TABLE BATCH_ROWS
 * </pre>
 */
public final class PostgresCopyBaseline {
  private PostgresCopyBaseline() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String table = args[1];
    int batchRows = Integer.parseInt(args[2]);
    try (Connection c = DriverManager.getConnection(url)) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      long rows = copy.copyOut("COPY " + table + " TO STDOUT", all);
      List<byte[]> chunks = chunks(all.toByteArray(), batchRows);
      String twin = table + "_copy_baseline";
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + twin);
        s.execute("CREATE TABLE " + twin + " (LIKE " + table + " INCLUDING ALL)");
        try (ResultSet r =
            s.executeQuery("SELECT pg_size_pretty(pg_total_relation_size('" + table + "'))")) {
          r.next();
          System.err.println(
              "baseline: " + rows + " rows (" + r.getString(1) + " with indexes) from " + table);
        }
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      for (byte[] chunk : chunks) {
        copy.copyIn("COPY " + twin + " FROM STDIN", new ByteArrayInputStream(chunk));
        c.commit();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE " + twin);
      }
      System.out.printf(Locale.ROOT, "%.0f%n", rows / seconds);
    }
  }

  /**
   * COPY text split into pieces of {@code rowsPerChunk} lines (a row is one line: newlines in
   * values are escaped).
   */
  private static List<byte[]> chunks(byte[] text, int rowsPerChunk) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    int lines = 0;
    for (int i = 0; i < text.length; i++) {
      if (text[i] == '\n' && ++lines == rowsPerChunk) {
        out.add(java.util.Arrays.copyOfRange(text, start, i + 1));
        start = i + 1;
        lines = 0;
      }
    }
    if (start < text.length) out.add(java.util.Arrays.copyOfRange(text, start, text.length));
    return out;
  }
}
