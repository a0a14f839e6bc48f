package io.stacklens.processor.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import org.junit.jupiter.api.Test;

class RegexParseTest {
  @Test
  void namedGroupsBecomeStringFields() throws Exception {
    RegexParse p =
        new RegexParse(
            "^(?<ip>\\S+) \\S+ \\S+ \\[(?<when>[^\\]]+)\\] \"(?<method>\\w+) (?<path>\\S+)[^\"]*\" (?<status>\\d{3})");

    Attributes a =
        p.parse(
            "10.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 512",
            "body");

    assertThat(a.toString())
        .isEqualTo(
            "{ip=10.0.0.1, when=01/May/2024:10:00:00 +0000, method=GET, path=/index.html, status=200}");
  }

  @Test
  void theMatcherIsReusedAcrossRecords() throws Exception {
    RegexParse p = new RegexParse("(?<n>\\d+)");

    assertThat(p.parse("a 1", "body").get("n")).isEqualTo("1");
    assertThat(p.parse("b 22", "body").get("n")).isEqualTo("22");
  }

  @Test
  void groupsThatDidNotTakePartAreLeftOut() throws Exception {
    RegexParse p = new RegexParse("^(?<level>\\w+)(?: user=(?<user>\\w+))?");

    assertThat(p.parse("INFO", "body").toString()).isEqualTo("{level=INFO}");
    assertThat(p.parse("INFO user=ada", "body").toString()).isEqualTo("{level=INFO, user=ada}");
  }

  @Test
  void aTextThatDoesNotMatchIsAnErrorShowingTheText() {
    RegexParse p = new RegexParse("^(?<level>[A-Z]+) ");

    assertThatThrownBy(() -> p.parse("lower case", "attributes[\"line\"]"))
        .isInstanceOf(RecordError.class)
        .hasMessage("regex: attributes[\"line\"] \"lower case\" does not match the pattern");
  }

  @Test
  void groupNamesSkipEscapesQuotesClassesAndLookbehinds() {
    assertThat(RegexParse.groupNames("(?<a>x)\\(?<b>y\\)[(?<c>]\\Q(?<d>\\E(?<=z)(?<!w)(?<e2>v)"))
        .containsExactly("a", "e2");
  }

  @Test
  void compileRefusesSyntaxErrorsAndPatternsWithoutNamedGroups() {
    assertThatThrownBy(() -> RegexParse.compile("(?<a>x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("is not a valid Java regex: Unclosed group");
    assertThatThrownBy(() -> RegexParse.compile("^(\\w+) (.*)$"))
        .hasMessageStartingWith("has no named group; name what to extract with (?<name>...)");
    assertThatThrownBy(() -> RegexParse.compile("(?<a_b>x)"))
        .as("Java group names are letters and digits")
        .hasMessageStartingWith(
            "is not a valid Java regex: named capturing group is missing trailing '>'");
  }
}
