package io.stacklens.processor.enrich.lookup;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import io.stacklens.agent.api.Secret;
import io.stacklens.agent.api.Secrets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A lookup table read with a PostgreSQL query: one execution per key, the key bound to the query's
 * single {@code ?}.
 *
 * <pre>
 * endpoint: jdbc:postgresql://db.internal:5432/inventory   # required
 * user: stacklens
 * password: ${env:PG_PASSWORD}        # redacted by print-config
 * query: SELECT name, price FROM products WHERE sku = ?   # required, exactly one ?
 * pool_size: 4                        # connections, each with the query prepared
 * connect_timeout: 5s
 * query_timeout: 2s                   # statement timeout of one lookup
 * properties:                         # passed to the driver (pgjdbc), e.g. TLS:
 *   sslmode: verify-full
 *   sslrootcert: /etc/ssl/db-ca.pem
 * </pre>
 */
public class PostgresTableConfig implements ComponentConfig {
  /** Connection properties the table sets itself, so {@code properties} must not. */
  static final Set<String> RESERVED_PROPERTIES = Set.of("user", "password");

  /** JDBC URL of the database: {@code jdbc:postgresql://host[:port]/database}. Required. */
  public String endpoint;

  /** Database user; may also come from the URL or from {@code properties}. */
  public String user;

  /** Database password. */
  @Secret public String password;

  /**
   * The lookup query with exactly one {@code ?} for the key (write {@code ??} for a literal jsonb
   * {@code ?} operator).
   */
  public String query;

  /** Connections kept open; at most this many lookups run at once. */
  public int poolSize = 4;

  /** Limit for opening one connection. */
  public Duration connectTimeout = Duration.ofSeconds(5);

  /**
   * Statement timeout of one lookup (server side, plus a client-side socket timeout as a backstop).
   */
  public Duration queryTimeout = Duration.ofSeconds(2);

  /**
   * Extra pgjdbc connection properties ({@code sslmode}, {@code sslrootcert}, {@code
   * ApplicationName}, ...).
   */
  public Map<String, String> properties;

  @Override
  public void validate(ConfigProblems problems) {
    if (endpoint == null || endpoint.isBlank()) {
      problems.error(
          "endpoint",
          "is required: a JDBC URL such as jdbc:postgresql://db.internal:5432/inventory");
    } else if (!endpoint.startsWith("jdbc:postgresql://")) {
      problems.error(
          "endpoint",
          "must be a JDBC URL starting with jdbc:postgresql://, e.g. "
              + "jdbc:postgresql://db.internal:5432/inventory; got '"
              + Secrets.redact(endpoint)
              + "'");
    } else if (endpoint.length() <= "jdbc:postgresql://".length()
        || endpoint.charAt("jdbc:postgresql://".length()) == '/') {
      problems.error("endpoint", "names no host: '" + Secrets.redact(endpoint) + "'");
    }
    if (endpoint != null && endpoint.matches("(?i).*[?&]password=.*")) {
      problems.warning(
          "endpoint",
          "holds a password; use the password option, which can come from ${env:...} and is never shown");
    }
    if (query == null || query.isBlank()) {
      problems.error(
          "query",
          "is required: a SELECT with one ? for the key, e.g. SELECT name, price FROM products WHERE sku = ?");
    } else {
      int n = countParameters(query);
      if (n != 1) {
        problems.error(
            "query",
            "must have exactly one ? (the key), found "
                + n
                + (n == 0 ? ", e.g. ... WHERE sku = ?" : "; write ?? for a literal ? operator"));
      }
    }
    if (password != null
        && user == null
        && (endpoint == null || !endpoint.contains("user="))
        && (properties == null || !properties.containsKey("user"))) {
      problems.warning(
          "password", "is set, but no user is: the driver will log in as the OS user name");
    }
    if (poolSize < 1 || poolSize > 256) {
      problems.error("pool_size", "must be between 1 and 256, got " + poolSize);
    }
    if (connectTimeout == null || connectTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      problems.error(
          "connect_timeout",
          "must be at least 1s (the driver counts whole seconds), got "
              + Durations.describe(connectTimeout));
    }
    if (queryTimeout == null || queryTimeout.compareTo(Duration.ofMillis(1)) < 0) {
      problems.error(
          "query_timeout",
          "must be a positive duration (e.g. 2s), got " + Durations.describe(queryTimeout));
    }
    if (properties != null) {
      for (Map.Entry<String, String> e : properties.entrySet()) {
        if (RESERVED_PROPERTIES.contains(e.getKey())) {
          problems.error("properties." + e.getKey(), "use the " + e.getKey() + " option instead");
        } else if (e.getValue() == null) {
          problems.error("properties." + e.getKey(), "needs a value");
        }
      }
    }
  }

  /**
   * Counts the JDBC parameter markers: {@code ?} outside string literals, quoted identifiers,
   * dollar quotes and comments, where {@code ??} is an escaped {@code ?}.
   */
  static int countParameters(String sql) {
    int count = 0;
    int n = sql.length();
    for (int i = 0; i < n; i++) {
      char c = sql.charAt(i);
      switch (c) {
        case '\'', '"' -> {
          int end = sql.indexOf(c, i + 1);
          while (end >= 0 && end + 1 < n && sql.charAt(end + 1) == c) end = sql.indexOf(c, end + 2);
          i = end < 0 ? n : end;
        }
        case '-' -> {
          if (i + 1 < n && sql.charAt(i + 1) == '-') {
            int end = sql.indexOf('\n', i);
            i = end < 0 ? n : end;
          }
        }
        case '/' -> {
          if (i + 1 < n && sql.charAt(i + 1) == '*') {
            int end = sql.indexOf("*/", i + 2);
            i = end < 0 ? n : end + 1;
          }
        }
        case '$' -> {
          int tagEnd = dollarTagEnd(sql, i);
          if (tagEnd > 0) {
            String tag = sql.substring(i, tagEnd + 1);
            int end = sql.indexOf(tag, tagEnd + 1);
            i = end < 0 ? n : end + tag.length() - 1;
          }
        }
        case '?' -> {
          if (i + 1 < n && sql.charAt(i + 1) == '?') {
            i++;
          } else {
            count++;
          }
        }
        default -> {}
      }
    }
    return count;
  }

  /**
   * For {@code $tag$} or {@code $$} starting at {@code start}, the index of the closing {@code $}
   * of the tag; else -1.
   */
  private static int dollarTagEnd(String sql, int start) {
    if (start > 0
        && (Character.isLetterOrDigit(sql.charAt(start - 1)) || sql.charAt(start - 1) == '_'))
      return -1;
    for (int j = start + 1; j < sql.length(); j++) {
      char c = sql.charAt(j);
      if (c == '$') return j;
      if (!(Character.isLetter(c) || c == '_' || (j > start + 1 && Character.isDigit(c))))
        return -1;
    }
    return -1;
  }
}
