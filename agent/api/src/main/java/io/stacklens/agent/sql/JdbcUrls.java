package io.stacklens.agent.sql;

/** JDBC URLs in messages: never with a password. */
public final class JdbcUrls {
  private JdbcUrls() {}

  /**
   * {@code url} with the value of any {@code password=} parameter replaced by {@code ***}; null
   * stays null.
   */
  public static String redact(String url) {
    return url == null ? null : url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
