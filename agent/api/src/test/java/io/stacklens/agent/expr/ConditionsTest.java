package io.stacklens.agent.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.InstrumentationScope;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.Resource;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionsTest {
  /**
   * A payment-service error record: status 503, user_id set, body "upstream timeout", severity
   * ERROR.
   */
  static LogContext record() {
    LogRecord r =
        new LogRecord(
            Attributes.of(
                "http.status_code",
                503L,
                "user_id",
                "u-42",
                "latency_ms",
                12.5,
                "retry",
                true,
                "tags",
                Attributes.listOf("db", "checkout"),
                "error_code",
                "DATABASE_TIMEOUT",
                "parse.error",
                "json: bad"));
    r.setBody("upstream timeout while calling inventory");
    r.setSeverityNumber(17).setSeverityText("ERROR");
    r.setTimeUnixNano(1_700_000_000_000_000_000L);
    r.setTraceId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    Resource res =
        new Resource(
            Attributes.of("service.name", "payment-service", "deployment.environment", "prod"));
    InstrumentationScope scope = new InstrumentationScope().setName("io.shop.Payments");
    ScopeLogs s = new ScopeLogs(scope, new ArrayList<>(List.of(r)));
    ResourceLogs rl = new ResourceLogs(res, new ArrayList<>(List.of(s)));
    return new LogContext(rl, s, r);
  }

  static boolean eval(String condition) throws ExpressionException {
    return Conditions.compile(condition).test(record());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        // the examples
        "severity_number >= WARN => true",
        "attributes[\"http.status_code\"] >= 500 => true",
        "resource.attributes[\"service.name\"] == \"payment-service\" => true",
        "body matches \"timeout|refused\" => true",
        "attributes[\"user_id\"] exists => true",
        // shorthand attribute names
        "user_id == 'u-42' => true",
        "parse.error exists => true",
        "enrichment.errors exists => false",
        "enrichment.errors not exists => true",
        "error_code starts_with \"DATABASE_\" => true",
        "error_code ends_with '_TIMEOUT' => true",
        "error_code contains 'BASE' => true",
        // numbers across int and double
        "http.status_code == 503.0 => true",
        "latency_ms > 12 => true",
        "latency_ms < 12.5 => false",
        "latency_ms <= 12.5 => true",
        "-1 < http.status_code => true",
        "500 <= http.status_code => true",
        "http.status_code in [500, 502, 503] => true",
        "http.status_code not in [500, 502, 503] => false",
        "http.status_code != 503 => false",
        // bools, strings, arrays
        "retry == true => true",
        "retry != false => true",
        "tags contains 'db' => true",
        "tags contains 'web' => false",
        "severity_text == 'ERROR' => true",
        "severity_text in ['WARN', 'ERROR'] => true",
        "scope.name starts_with 'io.shop' => true",
        "trace_id == '0102030405060708090a0b0c0d0e0f10' => true",
        "span_id exists => false",
        "time > 1600000000000000000 => true",
        "severity_number == ERROR => true",
        "severity_number < ERROR2 => true",
        "http.status_code matches '^5' => true",
        // missing fields: == false, != true, ordering false
        "missing == 'x' => false",
        "missing != 'x' => true",
        "missing > 1 => false",
        "missing < 1 => false",
        "missing == null => true",
        "user_id != null => true",
        "missing matches '.*' => false",
        "missing in ['a'] => false",
        // mismatched kinds at run time are false, not errors
        "user_id > 5 => false",
        "http.status_code == '503' => false",
        "body[\"k\"] exists => false",
        // precedence and grouping: not > and > or
        "true or false and false => true",
        "(true or false) and false => false",
        "not false and false => false",
        "not (false and false) => true",
        "!retry == true => false",
        "user_id exists && !(missing exists) => true",
        "false || http.status_code == 503 => true",
        "not not true => true",
      })
  void evaluates(String condition, boolean expected) throws ExpressionException {
    assertThat(eval(condition)).as(condition).isEqualTo(expected);
  }

  @Test
  void bodyKeysReadMapBodies() throws ExpressionException {
    LogContext ctx = record();
    ctx.record().setBody(Attributes.of("order", Attributes.of("id", 7L), "status", "failed"));
    assertThat(Conditions.compile("body[\"status\"] == 'failed'").test(ctx)).isTrue();
    assertThat(Conditions.compile("body['order']['id'] == 7").test(ctx)).isTrue();
    assertThat(Conditions.compile("body matches 'failed'").test(ctx)).isFalse();
  }

  @Test
  void severityAndFlagsExistOnlyWhenSet() throws ExpressionException {
    LogContext ctx = record();
    ctx.record().setSeverityNumber(0);
    assertThat(Conditions.compile("severity_number exists").test(ctx)).isFalse();
    assertThat(Conditions.compile("severity_number < WARN").test(ctx)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "`` => the condition is empty => 1",
        "severity_number >= => expected a value after '>=' => 19",
        "severity_number >= 'warn' => cannot compare severity_number (an integer) with the string 'warn' (a string); use a severity name (TRACE..FATAL4, case-insensitive) or a number 1..24, without quotes => 20",
        "severity_text > 5 => cannot compare severity_text (a string) with 5 (an integer) => 17",
        "retry < true => '<' needs numbers or strings; true has no order => 9",
        "body matches '(unclosed' => invalid regular expression => 14",
        "severity_number matches 'x' => 'matches' works on text; severity_number is an integer => 1",
        "(user_id exists => missing ')' to close the '(' at column 1 => 16",
        "user_id exists) => unexpected ')' => 15",
        "user_id => expected a comparison (==, !=, <, <=, >, >=), exists, matches, contains, starts_with, ends_with or in after the field attributes[\"user_id\"] => 8",
        "user_id = 'x' => use '==' to compare => 9",
        "user_id == 'x' user_id == 'y' => unexpected 'user_id'; join conditions with and / or => 16",
        "user_id == 'x' and => expected a condition => 19",
        "attributes[user_id] exists => expected a quoted key inside [ ] => 12",
        "attributes['a' exists => expected ']' to close the '[' at column 11 => 16",
        "resource.foo == 1 => expected resource.attributes[\"key\"] => 9",
        "scope.owner == 1 => unknown scope field 'owner' => 7",
        "user_id == 'abc => unterminated string => 12",
        "user_id in [] => the list after 'in' is empty => 13",
        "user_id in ['a' 'b'] => expected ',' or ']' in the list => 17",
        "user_id in [other] => a list after 'in' holds literals, not fields => 13",
        "5 exists => 'exists' applies to a field, not to 5 => 1",
        "user_id contains 5 => 'contains' needs a quoted string after it => 18",
        "user_id not matches 'x' => expected 'exists' or 'in' after 'not' => 13",
        "12ab > 1 => malformed number '12a' => 1",
        "and == 1 => expected a field or a value, found the keyword 'and' => 1",
        "== 1 => expected a field or a value before '=' => 1",
      })
  void reportsErrorsWithTheirColumn(String condition, String message, int column) {
    assertThatThrownBy(() -> Conditions.compile(condition))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.reason()).startsWith(message);
              assertThat(e.column()).as("column of: " + e.getMessage()).isEqualTo(column);
              assertThat(e.getMessage())
                  .contains("at column " + column + " of '" + condition + "'");
            });
  }

  @Test
  void checkReportsAtThePathForConfigValidation() {
    List<String> errors = new ArrayList<>();
    io.stacklens.agent.api.ConfigProblems problems =
        new io.stacklens.agent.api.ConfigProblems() {
          @Override
          public void error(String path, String message) {
            errors.add(path + ": " + message);
          }

          @Override
          public void warning(String path, String message) {
            errors.add("warning " + path + ": " + message);
          }
        };
    assertThat(Conditions.check(problems, "routes[0].when", "severity_number >= WARN", true))
        .isTrue();
    assertThat(Conditions.check(problems, "include", null, false)).isTrue();
    assertThat(Conditions.check(problems, "routes[1].when", "", true)).isFalse();
    assertThat(Conditions.check(problems, "routes[2].when", "body matches '['", true)).isFalse();
    assertThat(errors)
        .containsExactly(
            "routes[1].when: a condition is required",
            "routes[2].when: invalid regular expression: Unclosed character class near index 0 of the pattern at column 14 of 'body matches '[''");
  }
}
