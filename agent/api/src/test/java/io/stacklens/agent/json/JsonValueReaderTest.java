package io.stacklens.agent.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.MemoryLimiter;
import io.stacklens.agent.limits.DecodeBudget;
import io.stacklens.agent.limits.DecodeLimits;
import io.stacklens.agent.limits.RecordLimitException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonValueReaderTest {
  private final JsonValueReader reader = JsonValueReader.standard();

  private Attributes object(String json) throws JsonSyntaxException {
    return reader.readObject(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void jsonTypesBecomeTheModelsValueKinds() throws Exception {
    Attributes a =
        object(
            "{\"s\":\"x\",\"i\":42,\"neg\":-7,\"d\":1.5,\"e\":1e3,\"t\":true,\"f\":false,\"n\":null,"
                + "\"l\":[1,\"a\",{\"k\":[]}],\"o\":{\"p\":{}}}");

    assertThat(a.get("s")).isEqualTo("x");
    assertThat(a.get("i")).isEqualTo(42L);
    assertThat(a.get("neg")).isEqualTo(-7L);
    assertThat(a.get("d")).isEqualTo(1.5);
    assertThat(a.get("e")).isEqualTo(1000.0);
    assertThat(a.get("t")).isEqualTo(true);
    assertThat(a.get("f")).isEqualTo(false);
    assertThat(a.contains("n")).isTrue();
    assertThat(a.get("n")).isNull();
    assertThat(a.get("l")).isEqualTo(List.of(1L, "a", Attributes.of("k", List.of())));
    assertThat(a.get("o")).isEqualTo(Attributes.of("p", new Attributes()));
    assertThat(a.toString()).startsWith("{s=x, i=42, neg=-7, d=1.5");
  }

  @Test
  void integersBeyond64BitsKeepTheirDigitsAsAString() throws Exception {
    Attributes a =
        object(
            "{\"max\":9223372036854775807,\"min\":-9223372036854775808,"
                + "\"u64\":18446744073709551615,\"huge\":-123456789012345678901234567890}");

    assertThat(a.get("max")).isEqualTo(Long.MAX_VALUE);
    assertThat(a.get("min")).isEqualTo(Long.MIN_VALUE);
    assertThat(a.get("u64"))
        .as("an unsigned 64-bit id, every digit kept")
        .isEqualTo("18446744073709551615");
    assertThat(a.get("huge")).isEqualTo("-123456789012345678901234567890");
  }

  @Test
  void numbersBeyondDoublesRangeKeepTheirTextInsteadOfBecomingInfinite() throws Exception {
    Attributes a =
        object("{\"big\":1e400,\"neg\":-2.5E+999,\"fine\":1.7976931348623157e308,\"tiny\":1e-400}");

    assertThat(a.get("big")).isEqualTo("1e400");
    assertThat(a.get("neg")).isEqualTo("-2.5E+999");
    assertThat(a.get("fine")).isEqualTo(Double.MAX_VALUE);
    assertThat(a.get("tiny"))
        .as("underflow is the nearest double, as every parser reads it")
        .isEqualTo(0.0);
  }

  @Test
  void aRepeatedKeyKeepsItsLastValueWhereItFirstAppeared() throws Exception {
    Attributes a = object("{\"a\":1,\"b\":2,\"a\":{\"x\":1},\"a\":3}");

    assertThat(a.size()).isEqualTo(2);
    assertThat(a.key(0)).isEqualTo("a");
    assertThat(a.get("a")).isEqualTo(3L);
  }

  @Test
  void theEmptyKeyIsAKeyLikeAnyOther() throws Exception {
    Attributes a = object("{\"\":1,\"o\":{\"\":\"x\"}}");

    assertThat(a.get("")).isEqualTo(1L);
    assertThat(a.get("o")).isEqualTo(Attributes.of("", "x"));
  }

  @Test
  void loneSurrogatesInStringsAndKeysBecomeReplacementCharacters() throws Exception {
    Attributes a =
        object(
            "{\"s\":\"a\\ud800b\",\"pair\":\"\\ud83d\\ude00\",\"l\":[\"\\udc00\"],\"\\ud83d\\ude00\":1}");

    assertThat(a.get("s")).isEqualTo("a\uFFFDb");
    assertThat(a.get("pair")).as("a valid pair is kept").isEqualTo("\uD83D\uDE00");
    assertThat(a.get("l")).isEqualTo(List.of("\uFFFD"));
    assertThat(a.get("\uD83D\uDE00")).isEqualTo(1L);
    assertThat(reader.readValue("\"\\udbff\"")).isEqualTo("\uFFFD");
    assertThat(reader.readObject("{\"k\\udc00\":\"low\",\"h\\ud800x\":1}"))
        .as("keys of text input")
        .isEqualTo(Attributes.of("k\uFFFD", "low", "h\uFFFDx", 1L));
    assertThatThrownBy(() -> object("{\"k\\udc00\":1}"))
        .as("Jackson's byte parser refuses them in keys itself")
        .hasMessageEndingWith("unexpected low surrogate in field name: 0xdc00");
  }

  @Test
  void nestingBeyondTheLimitIsRefusedNotTruncated() throws Exception {
    String ok = "[".repeat(65) + "]".repeat(65); // the top value at depth 0, the innermost at 64
    assertThat(reader.readValue(ok)).isInstanceOf(List.class);

    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertThatThrownBy(() -> object(deep))
        .isInstanceOf(JsonSyntaxException.class)
        .hasMessageStartingWith("invalid JSON at line 1, column ")
        .hasMessageEndingWith(": values are nested more than 64 levels deep");
    String absurd = "[".repeat(5000) + "]".repeat(5000);
    assertThatThrownBy(() -> reader.readValue(absurd))
        .hasMessageContaining("nested more than 64 levels deep");

    JsonValueReader two =
        JsonValueReader.of(new DecodeLimits("receivers.x.limits", 10, 1 << 20, 100, 2, 1000));
    assertThatThrownBy(() -> two.readObject("{\"a\":{\"b\":{\"c\":{}}}}"))
        .hasMessageEndingWith("nested more than 2 levels deep");
  }

  @Test
  void containersBeyondTheTextDepthAreKeptAsWritten() throws Exception {
    JsonValueReader one = reader.keepingTextBeyond(1);
    Attributes a = one.readObject("{\"l1\":{\"l2\":{\"x\": [1, 2]}},\"arr\":[[1 ],2],\"s\":\"é\"}");

    assertThat(a.get("l1")).isEqualTo(Attributes.of("l2", "{\"x\": [1, 2]}"));
    assertThat(a.get("arr")).isEqualTo(List.of("[1 ]", 2L));
    byte[] utf8 = "  {\"é\":{\"ü\":{\"ß\":\"ö\"}}}".getBytes(StandardCharsets.UTF_8);
    assertThat(one.readObject(utf8, 2, utf8.length - 2).get("é"))
        .isEqualTo(Attributes.of("ü", "{\"ß\":\"ö\"}"));
    assertThat(reader.keepingTextBeyond(0).readValue("[[1],{}]")).isEqualTo(List.of("[1]", "{}"));

    String deep = "[".repeat(100) + "]".repeat(100);
    assertThat(reader.keepingTextBeyond(80).readValue(deep))
        .as("the text depth raises the limit")
        .isInstanceOf(List.class);
  }

  @Test
  void flatteningJoinsNestedKeysAndKeepsEmptyObjects() throws Exception {
    JsonValueReader flat = reader.keepingTextBeyond(1).flattening(".");

    Attributes a =
        flat.readObject(
            "{\"http\":{\"method\":\"GET\",\"req\":{\"bytes\":12}},\"tags\":[\"a\",{\"k\":{\"j\":1}}],"
                + "\"empty\":{},\"http.method\":\"POST\"}");

    assertThat(a.toString())
        .isEqualTo(
            "{http.method=POST, http.req={\"bytes\":12}, tags=[a, {\"k\":{\"j\":1}}], empty={}}");
    assertThat(reader.flattening("_").readObject("{\"a\":{\"b\":{\"c\":1}}}"))
        .isEqualTo(Attributes.of("a_b_c", 1L));
  }

  @Test
  void errorsSayWhatAndWhereInBytesOrCharacters() {
    assertThatThrownBy(() -> object("{\"a\":1,\n \"b\": }"))
        .isInstanceOfSatisfying(
            JsonSyntaxException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.column()).isEqualTo(7);
              assertThat(e.byteOffset()).isEqualTo(14);
              assertThat(e.reason()).isEqualTo("unexpected character '}': expected a value");
            })
        .hasMessage(
            "invalid JSON at line 2, column 7 (byte 14): unexpected character '}': expected a value");
    assertThatThrownBy(() -> reader.readObject("{\"a\":1"))
        .isInstanceOfSatisfying(
            JsonSyntaxException.class,
            e -> {
              assertThat(e.charOffset()).isEqualTo(6);
              assertThat(e.byteOffset()).isEqualTo(-1);
              assertThat(e.offset()).isEqualTo(6);
            })
        .hasMessageStartingWith(
            "invalid JSON at line 1, column 7 (character 6): unexpected end of input: an object is not closed");
    assertThatThrownBy(() -> reader.readObject("[1]"))
        .hasMessage(
            "invalid JSON at line 1, column 1 (character 0): expected a JSON object, got an array");
    assertThatThrownBy(() -> reader.readObject("{} {}"))
        .hasMessageEndingWith("more content (an object) after the end of the object");
    assertThatThrownBy(() -> reader.readValue("1 2"))
        .hasMessageEndingWith("more content (a number) after the end of the value");
    assertThatThrownBy(() -> reader.readValue("  "))
        .hasMessageEndingWith("no JSON value (the input is empty)");
    assertThatThrownBy(() -> reader.readValue("{\"a\":tru}"))
        .hasMessageEndingWith(
            "unrecognized token 'tru' (expected a string, number, array, object, true, false or null)");
  }

  @Test
  void jacksonsWordingIsCleaned() {
    assertThat(
            JacksonMessages.reason(
                "Unexpected character ('}' (code 125)): was expecting double-quote to start field name"))
        .isEqualTo("unexpected character '}': expected double-quote to start field name");
    assertThat(
            JacksonMessages.reason(
                "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped"))
        .isEqualTo("illegal unquoted character (control character 10): has to be escaped");
    assertThat(JacksonMessages.reason(null)).isEqualTo("malformed JSON");
  }

  @Test
  void aBudgetCountsAndChargesWhatIsRead() throws Exception {
    DecodeLimits limits = new DecodeLimits("receivers.x.limits", 10, 1 << 20, 3, 8, 1000);
    JsonValueReader limited = JsonValueReader.of(limits);
    DecodeBudget budget = new DecodeBudget(limits, MemoryLimiter.unlimited());
    budget.countRecord();

    byte[] json = "{\"a\":\"xy\",\"b\":[1]}".getBytes(StandardCharsets.UTF_8);
    Attributes a = limited.readObject(json, 0, json.length, budget);

    assertThat(a).isEqualTo(Attributes.of("a", "xy", "b", List.of(1L)));
    assertThat(budget.decodedBytes())
        .as("container, 2 keyed slots, a string, a list, an item, a number")
        .isEqualTo(72 + (16 + 48 + 1) + (48 + 2) + (16 + 48 + 1) + 72 + 16 + 16);
    budget.countRecord();
    byte[] many = "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> limited.readObject(many, 0, many.length, budget))
        .isInstanceOfSatisfying(
            RecordLimitException.class,
            e -> assertThat(e.reason()).isEqualTo("max_attributes_per_record"));
    budget.countRecord();
    byte[] longString = ("{\"a\":\"" + "x".repeat(1001) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> limited.readObject(longString, 0, longString.length, budget))
        .isInstanceOf(JsonSyntaxException.class)
        .hasMessageContaining(
            "a string is longer than the limit of 1000 bytes (receivers.x.limits.max_value_size)");
  }

  @Test
  void aParserHandedInIsReadFromItsCurrentToken() throws Exception {
    try (JsonParser p = reader.newParser("{\"skip\":1,\"v\":{\"a\":[true]},\"w\":{\"b\":2}}")) {
      p.nextToken();
      p.nextToken();
      p.nextToken();
      p.nextToken(); // "v"
      p.nextToken();
      assertThat(reader.read(p)).isEqualTo(Attributes.of("a", List.of(true)));
      p.nextToken(); // "w"
      p.nextToken();
      Attributes into = Attributes.of("b", 1L, "c", 3L);
      reader.readInto(p, into);
      assertThat(into).isEqualTo(Attributes.of("b", 2L, "c", 3L));
    }
  }
}
