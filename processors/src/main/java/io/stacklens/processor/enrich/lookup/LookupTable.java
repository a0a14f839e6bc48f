package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.data.Attributes;

/**
 * A keyed table the {@code enrich} processor reads (a CSV file, a PostgreSQL query): one row of
 * column -> value per key. The enrich processor puts its own TTL cache in front and calls {@link
 * #get} from its lookup threads, concurrently, never from the pipeline worker.
 */
public interface LookupTable extends AutoCloseable {
  /**
   * Opens what the table needs (reads the file, creates the connection pool). A source that is down
   * must not fail here: the table reports failures from {@link #get} and recovers when the source
   * is back. Fails only on a setting that can never work (e.g. a malformed file).
   */
  void start() throws Exception;

  /**
   * The row for {@code key} (column name -> value), or null when the table has none. Throws when
   * the source failed, with {@link #describe()} and the cause in the message. Safe to call from
   * several threads at once. The returned row may be shared with later calls: callers must not
   * modify it.
   */
  Attributes get(String key) throws Exception;

  /**
   * A short description for messages: {@code csv file /etc/products.csv}, {@code postgres query on
   * db}.
   */
  String describe();

  @Override
  void close();
}
