package io.stacklens.agent.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

  @Test
  void sharedServerRunsSqlAndCreatesFreshDatabases() throws Exception {
    PostgresServer server = PostgresServer.shared();
    assertThat(PostgresServer.shared()).isSameAs(server);
    try (Connection c = server.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 40 + 2")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }

    String url = server.createDatabase("pgserver_test_a");
    assertThat(url).contains("/pgserver_test_a");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (k text PRIMARY KEY, v int)");
      s.execute("INSERT INTO t VALUES ('a', 1)");
      try (ResultSet rs = s.executeQuery("SELECT current_database(), count(*) FROM t")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("pgserver_test_a");
        assertThat(rs.getLong(2)).isEqualTo(1);
      }
    }
    // creating it again gives an empty database
    String again = server.createDatabase("pgserver_test_a");
    try (Connection c = DriverManager.getConnection(again);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 't'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
    assertThat(server.createUniqueDatabase("Uniq"))
        .isNotEqualTo(server.createUniqueDatabase("Uniq"));
    assertThatThrownBy(() -> server.createDatabase("bad name; drop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database name");
  }

  @Test
  void stopRefusesConnectionsAndRestartKeepsPortAndData() throws Exception {
    Path dir;
    try (PostgresServer server = PostgresServer.start()) {
      assertThat(server.isLocal()).isTrue();
      assertThat(server.user()).isEqualTo("postgres");
      assertThat(server.password()).isNull();
      int port = server.port();
      String url = server.createDatabase("keep");
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (id int)");
        s.execute("INSERT INTO kept VALUES (7)");
      }

      server.stop();
      assertThat(server.isRunning()).isFalse();
      assertThatThrownBy(() -> DriverManager.getConnection(url).close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("refused");

      server.restart();
      assertThat(server.isRunning()).isTrue();
      assertThat(server.port()).isEqualTo(port);
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(7);
      }
      dir = dataDirOf(server);
      assertThat(dir).exists();
    }
    // close stopped the server and deleted its directory
    assertThat(dir).doesNotExist();
  }

  @Test
  void closeIsIdempotentAndStopsTheServer() throws Exception {
    PostgresServer server = PostgresServer.start();
    String url = server.jdbcUrl();
    server.close();
    server.close();
    assertThatThrownBy(() -> DriverManager.getConnection(url).close())
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(server::restart)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  /** The temp directory, found through the server's own setting (where its unix socket lives). */
  private static Path dataDirOf(PostgresServer server) throws SQLException {
    try (Connection c = server.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW unix_socket_directories")) {
      rs.next();
      Path p = Path.of(rs.getString(1));
      assertThat(Files.isDirectory(p)).isTrue();
      return p;
    }
  }
}
