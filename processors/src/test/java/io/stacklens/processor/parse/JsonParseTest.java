package io.stacklens.processor.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonParseTest {
  private final JsonParse flat = new JsonParse(true, ".", 10);
  private final JsonParse nested = new JsonParse(false, ".", 10);

  @Test
  void scalarsBecomeTheModelsValueKinds() throws Exception {
    Object v =
        nested.parse(
            "{\"s\":\"x\",\"i\":42,\"neg\":-7,\"d\":1.5,\"e\":1e3,\"t\":true,\"f\":false,\"n\":null,"
                + "\"big\":123456789012345678901234567890}",
            "body",
            true);

    Attributes a = (Attributes) v;
    assertThat(a.get("s")).isEqualTo("x");
    assertThat(a.get("i")).isEqualTo(42L);
    assertThat(a.get("neg")).isEqualTo(-7L);
    assertThat(a.get("d")).isEqualTo(1.5);
    assertThat(a.get("e")).isEqualTo(1000.0);
    assertThat(a.get("t")).isEqualTo(true);
    assertThat(a.get("f")).isEqualTo(false);
    assertThat(a.contains("n")).isTrue();
    assertThat(a.get("n")).isNull();
    assertThat(a.get("big"))
        .as("beyond 64 bits: the digits, not a rounded double")
        .isEqualTo("123456789012345678901234567890");
  }

  @Test
  void flattensNestedObjectsWithTheSeparatorAndKeepsArraysAsLists() throws Exception {
    Attributes a =
        (Attributes)
            flat.parse(
                "{\"http\":{\"method\":\"GET\",\"req\":{\"bytes\":12}},\"tags\":[\"a\",{\"k\":1}],\"empty\":{}}",
                "body",
                true);

    assertThat(a.toString())
        .isEqualTo("{http.method=GET, http.req.bytes=12, tags=[a, {k=1}], empty={}}");
    assertThat(a.get("tags")).isEqualTo(List.of("a", Attributes.of("k", 1L)));

    Attributes underscore =
        (Attributes) new JsonParse(true, "_", 10).parse("{\"a\":{\"b\":1}}", "body", true);
    assertThat(underscore.get("a_b")).isEqualTo(1L);
  }

  @Test
  void withoutFlatteningNestedObjectsAreMaps() throws Exception {
    Attributes a = (Attributes) nested.parse("{\"http\":{\"method\":\"GET\"}}", "body", true);

    assertThat(a.get("http")).isEqualTo(Attributes.of("method", "GET"));
  }

  @Test
  void containersDeeperThanMaxDepthAreKeptAsTheirJsonText() throws Exception {
    JsonParse two = new JsonParse(false, ".", 2);
    Attributes a =
        (Attributes) two.parse("{\"l2\":{\"l3\":{\"x\": [1, 2]}},\"arr\":[[1],2]}", "body", true);

    assertThat(a.get("l2")).isEqualTo(Attributes.of("l3", "{\"x\": [1, 2]}"));
    assertThat(a.get("arr")).isEqualTo(List.of("[1]", 2L));

    JsonParse flatTwo = new JsonParse(true, ".", 2);
    Attributes f = (Attributes) flatTwo.parse("{\"a\":{\"b\":{\"c\":1}}}", "body", true);
    assertThat(f.toString()).isEqualTo("{a.b={\"c\":1}}");

    JsonParse one = new JsonParse(true, ".", 1);
    assertThat(((Attributes) one.parse("{\"a\":{\"b\":1},\"n\":2}", "body", true)).toString())
        .isEqualTo("{a={\"b\":1}, n=2}");
  }

  @Test
  void duplicateKeysKeepTheLastValue() throws Exception {
    Attributes a = (Attributes) flat.parse("{\"a\":{\"b\":1},\"a.b\":2}", "body", true);

    assertThat(a.size()).isEqualTo(1);
    assertThat(a.get("a.b")).isEqualTo(2L);
  }

  @Test
  void nonObjectValuesAreAllowedUnlessAnObjectIsRequired() throws Exception {
    assertThat(nested.parse("[1,\"x\"]", "body", false)).isEqualTo(List.of(1L, "x"));
    assertThat(nested.parse(" 42 ", "body", false)).isEqualTo(42L);

    assertThatThrownBy(() -> nested.parse("[1,2]", "body", true))
        .hasMessage("json: expected a JSON object, got an array at offset 0 of body");
  }

  @Test
  void malformedJsonNamesTheProblemTheOffsetAndTheField() {
    assertThatThrownBy(() -> flat.parse("{\"level\":\"info\",}", "body", true))
        .isInstanceOf(RecordError.class)
        .hasMessageStartingWith("json: unexpected character '}'")
        .hasMessageEndingWith("at offset 16 of body");
    assertThatThrownBy(() -> flat.parse("{\"a\":1", "attributes[\"payload\"]", true))
        .hasMessageStartingWith(
            "json: unexpected end of input: an object is not closed (no '}') at offset 6")
        .hasMessageEndingWith("of attributes[\"payload\"]")
        .hasMessageNotContaining("Source");
    assertThatThrownBy(() -> flat.parse("{\"a\":tru}", "body", true))
        .hasMessage(
            "json: unrecognized token 'tru' (expected a string, number, array, object, true, false or null)"
                + " at offset 5 of body");
    assertThatThrownBy(() -> flat.parse("{\"a\":[1,}", "body", true))
        .hasMessage("json: unexpected character '}': expected a value at offset 8 of body");
    assertThatThrownBy(() -> flat.parse("plain text", "body", true))
        .hasMessageStartingWith("json: unrecognized token 'plain'")
        .hasMessageEndingWith("at offset 0 of body");
  }

  @Test
  void contentAfterTheValueIsAnError() {
    assertThatThrownBy(() -> flat.parse("{\"a\":1} {\"b\":2}", "body", true))
        .hasMessage(
            "json: more content (an object) after the end of the object at offset 8 of body");
    assertThatThrownBy(() -> flat.parse("1 2", "body", false))
        .hasMessage("json: more content (a number) after the end of the value at offset 2 of body");
  }

  @Test
  void emptyTextIsAnError() {
    assertThatThrownBy(() -> flat.parse("  ", "body", true))
        .hasMessage("json: body is empty; expected a JSON object");
  }

  @Test
  void aMapIsTakenAsAlreadyParsedAndFlattenedWhenAsked() {
    Attributes body = Attributes.of("a", Attributes.of("b", 1L), "c", "x");

    assertThat(flat.fromMap(body).toString()).isEqualTo("{a.b=1, c=x}");
    assertThat(nested.fromMap(body)).isSameAs(body);
  }
}
