package io.stacklens.agent.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldPathTest {
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "body => body",
        "body[\"a\"]['b'] => body[\"a\"][\"b\"]",
        "attributes['k'] => attributes[\"k\"]",
        "  user_id  => attributes[\"user_id\"]",
        "parse.error => attributes[\"parse.error\"]",
        "http.status_code => attributes[\"http.status_code\"]",
        "x-request-id => attributes[\"x-request-id\"]",
        "resource.attributes[\"service.name\"] => resource.attributes[\"service.name\"]",
        "scope.attributes['a'] => scope.attributes[\"a\"]",
        "scope.name => scope.name",
        "severity_number => severity_number",
        "observed_time => observed_time",
        "attributes['with \\\"quote'] => attributes[\"with \\\"quote\"]",
      })
  void parsesToCanonicalText(String text, String canonical) throws ExpressionException {
    FieldPath p = FieldPath.parse(text);
    assertThat(p.toString()).isEqualTo(canonical);
    assertThat(FieldPath.parse(p.toString())).isEqualTo(p);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      value = {
        "`` => a field is required => 1",
        "user_id extra => unexpected 'extra' after the field attributes[\"user_id\"] => 9",
        "resource.name => expected resource.attributes[\"key\"] => 9",
        "scope => expected scope.name, scope.version or scope.attributes[\"key\"] => 6",
        "a. => expected a name after '.' => 3",
        "5abc => expected a field => 1",
      })
  void rejectsMalformedPaths(String text, String reason, int column) {
    assertThatThrownBy(() -> FieldPath.parse(text))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.column()).isEqualTo(column);
            });
  }

  @Test
  void getsSetsAndRemovesEveryRoot() throws ExpressionException {
    LogContext ctx = ConditionsTest.record();
    assertThat(FieldPath.parse("user_id").get(ctx)).isEqualTo("u-42");
    assertThat(FieldPath.parse("severity_number").get(ctx)).isEqualTo(17L);
    assertThat(FieldPath.parse("trace_id").get(ctx)).isEqualTo("0102030405060708090a0b0c0d0e0f10");
    assertThat(FieldPath.parse("span_id").get(ctx)).isNull();
    assertThat(FieldPath.parse("resource.attributes['service.name']").get(ctx))
        .isEqualTo("payment-service");
    assertThat(FieldPath.parse("scope.name").get(ctx)).isEqualTo("io.shop.Payments");
    assertThat(FieldPath.parse("scope.version").get(ctx)).isNull();

    FieldPath nested = FieldPath.parse("attributes['order']['id']");
    nested.set(ctx, 7L);
    assertThat(ctx.record().attributes().get("order")).isEqualTo(Attributes.of("id", 7L));
    assertThat(nested.get(ctx)).isEqualTo(7L);
    assertThat(nested.remove(ctx)).isEqualTo(7L);
    assertThat(ctx.record().attributes().get("order")).isEqualTo(new Attributes());

    FieldPath.parse("severity_number").set(ctx, "9");
    assertThat(ctx.record().severityNumber()).isEqualTo(9);
    FieldPath.parse("span_id").set(ctx, "0102030405060708");
    assertThat(HexFormat.of().formatHex(ctx.record().spanId())).isEqualTo("0102030405060708");
    FieldPath.parse("time").set(ctx, 5.0);
    assertThat(ctx.record().timeUnixNano()).isEqualTo(5L);
    FieldPath.parse("resource.attributes['host.name']").set(ctx, "h1");
    assertThat(ctx.resource().resource().attributes().get("host.name")).isEqualTo("h1");
    FieldPath.parse("severity_text").remove(ctx);
    assertThat(FieldPath.parse("severity_text").get(ctx)).isNull();

    Object before = FieldPath.parse("resource.attributes").remove(ctx);
    assertThat(((Attributes) before).get("service.name")).isEqualTo("payment-service");
    assertThat(ctx.resource().resource().attributes().isEmpty()).isTrue();

    FieldPath bodyKey = FieldPath.parse("body['msg']");
    assertThatThrownBy(() -> bodyKey.set(ctx, "x"))
        .hasMessage("cannot set body[\"msg\"]: the body is a string, not a map");
    ctx.record().setBody(null);
    bodyKey.set(ctx, "x");
    assertThat(ctx.record().body()).isEqualTo(Attributes.of("msg", "x"));
  }

  @Test
  void rejectsValuesThatDoNotFit() throws ExpressionException {
    LogContext ctx = ConditionsTest.record();
    assertThatThrownBy(() -> FieldPath.parse("severity_number").set(ctx, 30L))
        .hasMessage("severity_number must be 0..24, got 30");
    assertThatThrownBy(() -> FieldPath.parse("severity_number").set(ctx, "high"))
        .hasMessage("severity_number needs an integer, got string high");
    assertThatThrownBy(() -> FieldPath.parse("trace_id").set(ctx, "abc"))
        .hasMessage("trace_id needs 32 hex digits, got abc");
    assertThatThrownBy(() -> FieldPath.parse("user_id['x']").set(ctx, "v"))
        .hasMessage(
            "cannot set attributes[\"user_id\"][\"x\"]: \"user_id\" holds a string, not a map");
    assertThatThrownBy(() -> FieldPath.parse("attributes").set(ctx, "v"))
        .hasMessage("cannot set attributes to a string: it needs a map");
  }

  @Test
  void moveToMovesAValueOrPutsItBackWhenTheTargetRefusesIt() throws ExpressionException {
    LogContext ctx = ConditionsTest.record();
    ctx.record().attributes().put("lvl", "high");
    assertThatThrownBy(() -> FieldPath.parse("lvl").moveTo(ctx, FieldPath.parse("severity_number")))
        .hasMessage("severity_number needs an integer, got string high");
    assertThat(ctx.record().attributes().get("lvl")).as("put back").isEqualTo("high");

    assertThat(FieldPath.parse("lvl").moveTo(ctx, FieldPath.parse("level"))).isTrue();
    assertThat(ctx.record().attributes().get("level")).isEqualTo("high");
    assertThat(ctx.record().attributes().contains("lvl")).isFalse();
    assertThat(FieldPath.parse("lvl").moveTo(ctx, FieldPath.parse("level")))
        .as("nothing to move")
        .isFalse();
  }
}
