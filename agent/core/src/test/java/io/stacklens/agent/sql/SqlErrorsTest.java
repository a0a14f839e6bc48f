package io.stacklens.agent.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.testing.postgres.PostgresServer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {
  private static SQLException state(String state) {
    return new SQLException("x", state);
  }

  @Test
  void connectionFailuresAreIoErrorsClass08ServerShutdownAndTooManyConnections() {
    for (String s : new String[] {null, "08001", "08006", "57P01", "57P03", "53300"}) {
      assertThat(SqlErrors.isConnectionFailure(state(s))).as(String.valueOf(s)).isTrue();
      assertThat(SqlErrors.isDataError(state(s))).as(String.valueOf(s)).isFalse();
    }
    for (String s : new String[] {"57014", "40001", "40P01", "42P01", "22021", "23505"}) {
      assertThat(SqlErrors.isConnectionFailure(state(s))).as(s).isFalse();
    }
  }

  @Test
  void dataErrorsAreClass22Class23AndProgramLimits() {
    for (String s : new String[] {"22001", "22003", "22021", "22P02", "23502", "23505", "54000"}) {
      assertThat(SqlErrors.isDataError(state(s))).as(s).isTrue();
    }
    for (String s : new String[] {"54001", "57014", "40001", "42601"}) {
      assertThat(SqlErrors.isDataError(state(s))).as(s).isFalse();
    }
  }

  @Test
  void reasonsAreShortLabels() {
    assertThat(SqlErrors.retryReason(state(null))).isEqualTo("io_error");
    assertThat(SqlErrors.retryReason(state("08006"))).isEqualTo("connection_lost");
    assertThat(SqlErrors.retryReason(state("40P01"))).isEqualTo("deadlock");
    assertThat(SqlErrors.retryReason(state("40001"))).isEqualTo("serialization_failure");
    assertThat(SqlErrors.retryReason(state("57014"))).isEqualTo("statement_timeout");
    assertThat(SqlErrors.retryReason(state("53300"))).isEqualTo("too_many_connections");
    assertThat(SqlErrors.retryReason(state("57P01"))).isEqualTo("server_shutdown");
    assertThat(SqlErrors.retryReason(state("XX000"))).isEqualTo("sqlstate_XX000");
    assertThat(SqlErrors.reason(state("22021"))).isEqualTo("22021 character_not_in_repertoire");
    assertThat(SqlErrors.reason(state(null))).isEqualTo("io_error");
    assertThat(SqlErrors.name("22999")).isEqualTo("data_exception");
    assertThat(SqlErrors.name("23999")).isEqualTo("integrity_constraint_violation");
    assertThat(SqlErrors.name("08999")).isEqualTo("connection_exception");
    assertThat(SqlErrors.name("XX000")).isEqualTo("error");
  }

  @Test
  void aSocketTimeoutIsFoundAmongTheCauses() {
    SQLException wrapped =
        new SQLException(
            "I/O error", "08006", new IOException(new SocketTimeoutException("Read timed out")));
    assertThat(SqlErrors.isSocketTimeout(wrapped)).isTrue();
    assertThat(SqlErrors.isSocketTimeout(new SQLException("x", "08006", new IOException("reset"))))
        .isFalse();
  }

  @Test
  void theServersErrorsAreClassifiedAndTheirMessageKeptToItsFirstLine() throws Exception {
    try (Connection c = PostgresServer.shared().connection();
        Statement s = c.createStatement()) {
      SQLException nul = null;
      try (PreparedStatement ps = c.prepareStatement("SELECT ?::text")) {
        ps.setString(1, "a\u0000b");
        ps.executeQuery().close();
      } catch (SQLException e) {
        nul = e;
      }
      assertThat((Throwable) nul).isNotNull();
      assertThat(SqlErrors.isDataError(nul)).isTrue();
      assertThat(SqlErrors.reason(nul)).isEqualTo("22021 character_not_in_repertoire");
      SQLException range = failure(s, "SELECT 70000::smallint");
      assertThat(SqlErrors.reason(range)).isEqualTo("22003 numeric_value_out_of_range");
      assertThat(SqlErrors.message(range)).isEqualTo("smallint out of range");
      SQLException missing = failure(s, "SELECT * FROM no_such_table");
      assertThat(SqlErrors.isDataError(missing)).isFalse();
      assertThat(SqlErrors.isConnectionFailure(missing)).isFalse();
      assertThat(SqlErrors.message(missing)).isEqualTo("relation \"no_such_table\" does not exist");
    }
  }

  private static SQLException failure(Statement s, String sql) {
    try {
      s.execute(sql);
    } catch (SQLException e) {
      return e;
    }
    throw new AssertionError("no error from " + sql);
  }
}
