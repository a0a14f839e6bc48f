package io.stacklens.agent.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conditions that would compile but could never mean what was written are errors at start-up, at
 * the column of the operand at fault (docs/conditions.md, "Mistakes caught at start-up").
 */
class ConditionMistakesTest {
  private static boolean evalAtSeverity(String condition, int severity) throws ExpressionException {
    LogContext ctx = ConditionsTest.record();
    ctx.record().setSeverityNumber(severity);
    return Conditions.compile(condition).test(ctx);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "severity_number >= info",
        "severity_number >= INFO",
        "severity_number >= Info",
        "severity_number >= information",
        "info <= severity_number",
        "not (severity_number < iNfO)"
      })
  void severityNamesAreCaseInsensitiveNextToSeverityNumber(String condition)
      throws ExpressionException {
    assertThat(evalAtSeverity(condition, 9)).as("INFO").isTrue();
    assertThat(evalAtSeverity(condition, 8)).as("DEBUG4").isFalse();
  }

  @ParameterizedTest(name = "{0} is severity {1}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "warn => 13",
        "Warning => 13",
        "err => 17",
        "error3 => 19",
        "critical => 21",
        "fatal4 => 24",
        "trace => 1",
        "debug2 => 6"
      })
  void severityWordsThatParseAcceptsMeanTheSameSeverity(String word, int number)
      throws ExpressionException {
    assertThat(evalAtSeverity("severity_number == " + word, number)).isTrue();
    assertThat(evalAtSeverity("severity_number == " + word, number - 1)).isFalse();
  }

  @Test
  void severityNamesInAListNextToSeverityNumber() throws ExpressionException {
    assertThat(evalAtSeverity("severity_number in [warn, Error]", 17)).isTrue();
    assertThat(evalAtSeverity("severity_number in [warn, Error]", 9)).isFalse();
  }

  @Test
  void timeComparesWithAnRfc3339Timestamp() throws ExpressionException {
    // the record's time is 1_700_000_000 s = 2023-11-14T22:13:20Z
    assertThat(ConditionsTest.eval("time == '2023-11-14T22:13:20Z'")).isTrue();
    assertThat(ConditionsTest.eval("time >= '2023-11-14T23:13:20+01:00'")).isTrue();
    assertThat(ConditionsTest.eval("time > '2023-11-14T22:13:20.000000001Z'")).isFalse();
    assertThat(ConditionsTest.eval("'2024-01-01T00:00:00Z' > time")).isTrue();
  }

  @Test
  void comparisonsThatStayAllowed() throws ExpressionException {
    assertThat(ConditionsTest.eval("severity_number == 0")).isFalse();
    assertThat(ConditionsTest.eval("observed_time == null")).isTrue();
    assertThat(ConditionsTest.eval("time > 0")).isTrue();
    assertThat(ConditionsTest.eval("error_code == user_id")).isFalse();
    assertThat(ConditionsTest.eval("error exists")).isFalse();
    assertThat(ConditionsTest.eval("severity_text == null")).isFalse();
    assertThat(ConditionsTest.eval("trace_id starts_with '0102'")).isTrue();
    assertThat(ConditionsTest.eval("severity_number > 8.5")).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        // severity_number with something that is not a severity
        "severity_number >= infoo => severity_number is compared with attribute 'infoo', which is not a severity; use a severity name (TRACE..FATAL4, case-insensitive) or a number 1..24; did you mean INFO? => 20",
        "severity_number >= level => severity_number is compared with attribute 'level', which is not a severity; use a severity name (TRACE..FATAL4, case-insensitive) or a number 1..24 => 20",
        "attributes['lvl'] < severity_number => severity_number is compared with attributes[\"lvl\"], which is not a severity => 1",
        "severity_number > time => severity_number is compared with time, which is not a severity => 19",
        "severity_number in [info, bogus] => severity_number is compared with attribute 'bogus', which is not a severity => 27",
        "severity_number >= 90 => severity_number is 0..24 (0 when unset), so 90 is out of range => 20",
        "severity_number > -1 => severity_number is 0..24 (0 when unset), so -1 is out of range => 19",
        "severity_number == null => severity_number is never absent (it is 0 when unset), so comparing it with null never matches; write severity_number == 0 => 20",
        "flags != null => flags is never absent (it is 0 when unset), so '!= null' is always true; write flags exists => 10",
        // time with something that is not a time
        "time > start => time is compared with attribute 'start', which is not a time; use nanoseconds since the Unix epoch (1700000000000000000) or an RFC 3339 timestamp in quotes ('2023-11-14T22:13:20Z') => 8",
        "observed_time < 'yesterday' => observed_time is compared with the string 'yesterday', which is not an RFC 3339 timestamp => 17",
        "time > 1700000000 => time counts nanoseconds since the Unix epoch, so 1700000000 is a moment in 1970; it looks like seconds (2023-11-14T22:13:20Z): write 1700000000000000000 or '2023-11-14T22:13:20Z' => 8",
        "time > 1700000000000 => time counts nanoseconds since the Unix epoch, so 1700000000000 is a moment in 1970; it looks like milliseconds (2023-11-14T22:13:20Z) => 8",
        "time < WARN => time is compared with the severity WARN, which is not a time => 8",
        // string fields with a bare word, a severity or a value they never hold
        "severity_text == warn => severity_text is compared with attribute 'warn'; to compare with the text write 'warn' in quotes (for the attribute write attributes[\"warn\"]) => 18",
        "event_name == login => event_name is compared with attribute 'login'; to compare with the text write 'login' in quotes => 15",
        "severity_text == WARN => severity_text is text, so it never equals the severity WARN (the number 13); write 'WARN' in quotes, or compare the number: severity_number == WARN => 18",
        "severity_text >= 'WARN' => '>=' on severity_text compares text letter by letter ('ERROR' < 'WARN'), not by severity; compare the number instead: severity_number >= WARN => 18",
        "severity_text == '' => severity_text is absent when empty, so comparing it with '' never matches; write not (severity_text exists) => 18",
        "event_name != \"\" => event_name is absent when empty, so '!= \"\"' is true for every record; write event_name exists => 15",
        "trace_id == '0102030405060708090A0B0C0D0E0F10' => trace_id reads as lower-case hex, so the string '0102030405060708090A0B0C0D0E0F10' never matches; write '0102030405060708090a0b0c0d0e0f10' => 13",
        "span_id in ['req-42'] => span_id is 16 lower-case hex digits, so the string 'req-42' never matches => 13",
        "trace_id == '0102' => trace_id is 32 hex digits, so the string '0102' (4) never matches; for part of an id use starts_with or contains => 13",
        "trace_id starts_with 'AB' => trace_id reads as lower-case hex, so the string 'AB' never matches; write 'ab' => 22",
        // a severity name where an attribute's text was meant
        "level == warn => warn here reads the attribute named warn; to compare attributes[\"level\"] with the text write 'warn' in quotes => 10",
        "attributes['level'] in [Info, 'debug'] => Info here reads the attribute named Info => 25",
        "level == WARN => WARN is the severity number 13, but attributes[\"level\"] is not severity_number; to compare with the text write 'WARN' in quotes (for the record's severity write severity_number == WARN, for the number write 13) => 10",
        "Severity_Number >= ERROR => ERROR is the severity number 17, but attributes[\"Severity_Number\"] is not severity_number => 20",
        // two values, or a quoted field name
        "'user_id' == 'u-42' => '==' compares two values (the string 'user_id' and the string 'u-42'), so the result never depends on the record; to read a field write its name without quotes: user_id => 1",
        "WARN > INFO => '>' compares two values (the severity WARN and the severity INFO), so the result never depends on the record; compare a field with a value => 1",
        "'level' in ['a'] => 'in' applies to a field, not to the string 'level'; to read a field write its name without quotes: level => 1",
        "'body' contains 'x' => 'contains' applies to a field, not to the string 'body'; to read a field write its name without quotes: body => 1",
      })
  void reportsMistakesThatCouldNeverMatch(String condition, String message, int column) {
    assertThatThrownBy(() -> Conditions.compile(condition))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.reason()).startsWith(message);
              assertThat(e.column()).as("column of: " + e.getMessage()).isEqualTo(column);
            });
  }
}
