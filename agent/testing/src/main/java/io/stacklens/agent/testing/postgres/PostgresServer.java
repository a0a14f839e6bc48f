package io.stacklens.agent.testing.postgres;

import io.stacklens.agent.api.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for tests.
 *
 * <p>{@link #shared()} is the one server of this JVM, started on first use and stopped at JVM exit.
 * When the environment variable {@value #URL_ENV} holds a JDBC URL (with {@code user} and {@code
 * password} parameters), that server is used instead of starting one. Otherwise a throwaway server
 * is created with {@code initdb} from the newest {@code /usr/lib/postgresql/<version>/bin} (or the
 * directory in {@value #BIN_ENV}): its data directory and unix socket live in a fresh temporary
 * directory, it listens on a free port on 127.0.0.1 with trust authentication and {@code
 * fsync=off}. When the JVM runs as root, the server runs as the {@code postgres} OS user
 * (PostgreSQL refuses to run as root). No binaries and no URL is a loud failure, never a skip.
 *
 * <p>{@link #start()} creates a private local server for tests that stop it ({@link #stop()}) and
 * bring it back ({@link #restart()}, same port and data). {@link #close()} stops it and deletes its
 * directory; a shutdown hook does the same if a test forgets.
 *
 * <pre>
 * String url = PostgresServer.shared().createDatabase("orders");   // a fresh, empty database
 * try (Connection c = DriverManager.getConnection(url)) { ... }
 * </pre>
 */
public final class PostgresServer implements AutoCloseable {
  /** A JDBC URL of an existing server to use instead of a throwaway one. */
  public static final String URL_ENV = "STACKLENS_TEST_PG_URL";

  /**
   * A directory holding {@code initdb} and {@code pg_ctl}, when they are not in
   * /usr/lib/postgresql.
   */
  public static final String BIN_ENV = "STACKLENS_TEST_PG_BIN";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern URL_PATTERN =
      Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$");
  private static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private static PostgresServer shared;

  private final String baseUrl; // jdbc:postgresql://host:port
  private final String database;
  private final String params; // "" or "?user=..&password=.."
  private final Local local; // null for an external server
  private final Thread shutdownHook;
  private volatile boolean closed;

  private PostgresServer(String url, Local local) {
    Matcher m = URL_PATTERN.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a jdbc:postgresql://host[:port]/database URL: " + Secrets.redact(url));
    }
    this.baseUrl = m.group(1);
    String db =
        m.group(2) == null || m.group(2).length() <= 1 ? "postgres" : m.group(2).substring(1);
    this.database = db;
    this.params = m.group(3) == null ? "" : m.group(3);
    this.local = local;
    this.shutdownHook = new Thread(this::close, "postgres-test-server-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * The server shared by all tests of this JVM: the external one from {@value #URL_ENV}, else a
   * local one.
   */
  public static synchronized PostgresServer shared() {
    if (shared == null || shared.closed) {
      String url = System.getenv(URL_ENV);
      shared = url != null && !url.isBlank() ? new PostgresServer(url.trim(), null) : start();
    }
    return shared;
  }

  /**
   * Starts a private local server (always local, even when {@value #URL_ENV} is set: it can be
   * stopped).
   */
  public static PostgresServer start() {
    Local local = Local.create();
    try {
      local.startServer();
      PostgresServer server = new PostgresServer(local.url(), local);
      server.awaitConnectable(START_TIMEOUT);
      return server;
    } catch (RuntimeException e) {
      local.destroy();
      throw e;
    }
  }

  /** True when this server was started here (and so can be stopped and restarted). */
  public boolean isLocal() {
    return local != null;
  }

  /** The port the server listens on. */
  public int port() {
    Matcher m = Pattern.compile(":(\\d+)$").matcher(baseUrl);
    return m.find() ? Integer.parseInt(m.group(1)) : 5432;
  }

  /** JDBC URL of the server's default database, including user (and password) parameters. */
  public String jdbcUrl() {
    return urlOf(database);
  }

  /** JDBC URL of {@code databaseName} on this server (which need not exist). */
  public String urlOf(String databaseName) {
    return baseUrl + "/" + databaseName + params;
  }

  /**
   * {@code jdbcUrl} without its query parameters ({@code ?user=...&password=...}), for configs that
   * take the user and password as options of their own.
   */
  public static String withoutParameters(String jdbcUrl) {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
  }

  /** JDBC URL without the query parameters ({@code jdbc:postgresql://127.0.0.1:port/db}). */
  public String endpointOf(String databaseName) {
    return baseUrl + "/" + databaseName;
  }

  /** The user of the URL ({@code postgres} for a local server). */
  public String user() {
    return param("user");
  }

  /** The password of the URL, or null (a local server needs none). */
  public String password() {
    return param("password");
  }

  private String param(String name) {
    if (params.isEmpty()) return null;
    for (String p : params.substring(1).split("&")) {
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** A new connection to the default database. */
  public Connection connection() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  /**
   * Creates database {@code name} (lower-case letters, digits and underscores), dropping an earlier
   * one of that name, and returns its JDBC URL.
   */
  public String createDatabase(String name) {
    if (!DB_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "database name must match " + DB_NAME + ": '" + name + "'");
    }
    try (Connection c = connection();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return urlOf(name);
  }

  /**
   * Creates a database with a unique name starting with {@code prefix}; see {@link
   * #createDatabase(String)}.
   */
  public String createUniqueDatabase(String prefix) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    return createDatabase(prefix.toLowerCase(Locale.ROOT) + "_" + suffix);
  }

  /**
   * Stops the local server at once ({@code pg_ctl stop -m immediate}); port and data are kept for
   * {@link #restart()}.
   */
  public void stop() {
    requireLocal("stop");
    local.stopServer();
  }

  /**
   * Starts the stopped local server again on the same port with the same data, and waits until it
   * accepts connections.
   */
  public void restart() {
    requireLocal("restart");
    if (closed) throw new IllegalStateException("server was closed");
    local.startServer();
    awaitConnectable(START_TIMEOUT);
  }

  /** True while the local server's postmaster runs (always true for an external server). */
  public boolean isRunning() {
    return local == null || local.running();
  }

  /**
   * Stops a local server and deletes its directory. An external server is left alone. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or will run; close() is idempotent
      }
    }
    if (local != null) local.destroy();
  }

  @Override
  public String toString() {
    return (local != null ? "local PostgreSQL " + local.version + " at " : "PostgreSQL at ")
        + baseUrl
        + "/"
        + database;
  }

  private void requireLocal(String what) {
    if (local == null) {
      throw new UnsupportedOperationException(
          "cannot "
              + what
              + " the external server from "
              + URL_ENV
              + "; use PostgresServer.start() for a local one");
    }
  }

  private void awaitConnectable(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection c = DriverManager.getConnection(jdbcUrl());
          Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        last = e;
      }
      sleep(100);
    }
    throw new IllegalStateException(
        "PostgreSQL at "
            + baseUrl
            + " accepts no connections after "
            + timeout.toSeconds()
            + "s: "
            + (last == null ? "" : last.getMessage())
            + (local == null ? "" : local.logTail()));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A server process created with initdb in its own temporary directory. */
  private static final class Local {
    private final Path bin;
    private final String version;
    private final Path dir;
    private final Path data;
    private final Path log;
    private final boolean asPostgresUser;
    private int port;
    private boolean running;

    private Local(Path bin, Path dir, boolean asPostgresUser) {
      this.bin = bin;
      this.version = bin.getParent().getFileName().toString();
      this.dir = dir;
      this.data = dir.resolve("data");
      this.log = dir.resolve("server.log");
      this.asPostgresUser = asPostgresUser;
    }

    static Local create() {
      Path bin = findBin();
      boolean root = "root".equals(System.getProperty("user.name"));
      Path dir;
      try {
        Path tmpRoot =
            Files.isDirectory(Path.of("/tmp"))
                ? Path.of("/tmp")
                : Path.of(System.getProperty("java.io.tmpdir"));
        // short name: the unix socket path (<dir>/.s.PGSQL.<port>) must stay under 108 bytes
        dir = Files.createTempDirectory(tmpRoot, "slpg");
        if (root) {
          UserPrincipal postgres =
              dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
          Files.setOwner(dir, postgres);
        }
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot prepare a directory for the test PostgreSQL server"
                + (root ? " (running as root needs an OS user 'postgres' to own it)" : "")
                + ": "
                + e,
            e);
      }
      Local local = new Local(bin, dir, root);
      try {
        local.run(
            Duration.ofSeconds(120),
            "initdb",
            "-D",
            local.data.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions");
        int port = io.stacklens.agent.testing.Ports.free();
        local.port = port;
        Files.writeString(
            local.data.resolve("postgresql.conf"),
            "\n# stacklens test server\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "port = "
                + port
                + "\n"
                + "unix_socket_directories = '"
                + dir
                + "'\n"
                + "fsync = off\n"
                // synchronous_commit stays on: stop() kills the server (immediate mode) and a
                // restart must find every committed row; fsync=off only risks data on an OS crash
                + "full_page_writes = off\n"
                + "max_connections = 200\n"
                + "shared_buffers = 32MB\n"
                + "log_min_messages = warning\n",
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.APPEND);
      } catch (IOException | RuntimeException e) {
        local.destroy();
        throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
      }
      return local;
    }

    String url() {
      return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    synchronized boolean running() {
      return running;
    }

    synchronized void startServer() {
      if (running) return;
      run(
          START_TIMEOUT.plusSeconds(10),
          "pg_ctl",
          "-D",
          data.toString(),
          "-l",
          log.toString(),
          "-w",
          "-t",
          String.valueOf(START_TIMEOUT.toSeconds()),
          "start");
      running = true;
    }

    synchronized void stopServer() {
      if (!running) return;
      run(Duration.ofSeconds(60), "pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
      running = false;
    }

    /** Stops the server if it runs and deletes the directory; never throws. */
    synchronized void destroy() {
      try {
        if (running) stopServer();
      } catch (RuntimeException e) {
        System.err.println(
            "[PostgresServer] could not stop the server in " + dir + ": " + e.getMessage());
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("[PostgresServer] could not delete " + dir + ": " + e.getMessage());
      }
    }

    String logTail() {
      try {
        if (!Files.exists(log)) return "";
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return "\nserver log ("
            + log
            + "), last lines:\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      } catch (IOException e) {
        return "";
      }
    }

    /** Runs a PostgreSQL tool (as the postgres user when we are root); fails with its output. */
    private void run(Duration timeout, String tool, String... args) {
      List<String> command = new ArrayList<>();
      if (asPostgresUser) {
        command.addAll(List.of(runuser(), "-u", "postgres", "--"));
      }
      command.add(bin.resolve(tool).toString());
      command.addAll(Arrays.asList(args));
      Path out = dir.resolve(tool + ".out");
      try {
        Process p =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(
              String.join(" ", command)
                  + " did not finish within "
                  + timeout.toSeconds()
                  + "s"
                  + logTail());
        }
        if (p.exitValue() != 0) {
          String output = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
          throw new IllegalStateException(
              String.join(" ", command)
                  + " failed with exit code "
                  + p.exitValue()
                  + ":\n"
                  + output.strip()
                  + logTail());
        }
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running " + tool, e);
      }
    }

    private static String runuser() {
      for (String candidate : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
        if (Files.isExecutable(Path.of(candidate))) return candidate;
      }
      throw new IllegalStateException(
          "running as root, so the test PostgreSQL server must run as the 'postgres' user, but runuser is not installed");
    }

    private static Path findBin() {
      String configured = System.getenv(BIN_ENV);
      if (configured != null && !configured.isBlank()) {
        Path p = Path.of(configured.trim());
        if (!Files.isExecutable(p.resolve("initdb")) || !Files.isExecutable(p.resolve("pg_ctl"))) {
          throw new IllegalStateException(BIN_ENV + "=" + p + " holds no initdb and pg_ctl");
        }
        return p;
      }
      Path root = Path.of("/usr/lib/postgresql");
      List<Path> candidates = new ArrayList<>();
      if (Files.isDirectory(root)) {
        try (Stream<Path> versions = Files.list(root)) {
          versions
              .map(v -> v.resolve("bin"))
              .filter(
                  b ->
                      Files.isExecutable(b.resolve("initdb"))
                          && Files.isExecutable(b.resolve("pg_ctl")))
              .forEach(candidates::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return candidates.stream()
          .max(Comparator.comparingDouble(Local::versionOf))
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "No PostgreSQL for tests: no /usr/lib/postgresql/<version>/bin with initdb and pg_ctl. Install the "
                          + "server (apt-get install postgresql), point "
                          + BIN_ENV
                          + " at its bin directory, or set "
                          + URL_ENV
                          + " to a JDBC URL of a server to use, e.g. "
                          + "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=secret"));
    }

    private static double versionOf(Path bin) {
      try {
        return Double.parseDouble(bin.getParent().getFileName().toString());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
