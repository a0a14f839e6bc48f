package io.stacklens.agent.cli.loadgen;

/** What generated log bodies hold. */
public enum BodyFormat {
  /** Words of text ({@code loadgen instance=0 seq=12 user order ...}). */
  TEXT,
  /**
   * A JSON object as an application would log it, for parse/enrich benchmarks: timestamp, level,
   * service, message, user_id, client_ip (addresses the GeoIP test databases know, and some they do
   * not), product_id (from 1,000 ids) and, on some records, error_code.
   */
  JSON
}
