package io.stacklens.processor.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyValueParseTest {
  private final KeyValueParse logfmt = new KeyValueParse(" ", "=");

  @Test
  void logfmtWithQuotedValuesEscapesAndBareKeys() throws Exception {
    assertThat(
            logfmt
                .parse(
                    "level=info  msg=\"user logged in\" user='ada l' q=\"say \\\"hi\\\"\\n\" debug ts=1",
                    "body")
                .toString())
        .isEqualTo("{level=info, msg=user logged in, user=ada l, q=say \"hi\"\n, debug=, ts=1}");
  }

  @Test
  void emptyValuesAndValuesHoldingTheValueDelimiter() throws Exception {
    assertThat(logfmt.parse("a= b=x=y c=\"\"", "body").toString()).isEqualTo("{a=, b=x=y, c=}");
  }

  @Test
  void customDelimitersTrimAroundPairs() throws Exception {
    KeyValueParse p = new KeyValueParse(",", ":");

    assertThat(p.parse("host: web 1 , port:8080,\"full name\": \"a, b\" ,flag", "body").toString())
        .isEqualTo("{host=web 1, port=8080, full name=a, b, flag=}");
    assertThat(new KeyValueParse("&", "=").parse("a=1&b=2&&c=3", "body").toString())
        .isEqualTo("{a=1, b=2, c=3}");
    assertThat(new KeyValueParse("; ", "=").parse("a=1; b=2", "body").toString())
        .isEqualTo("{a=1, b=2}");
  }

  @Test
  void laterDuplicatesWin() throws Exception {
    assertThat(logfmt.parse("a=1 a=2", "body").toString()).isEqualTo("{a=2}");
  }

  @Test
  void errorsNameTheOffsetAndWhatWasExpected() {
    assertThatThrownBy(() -> logfmt.parse("a=1 msg=\"never closed", "body"))
        .isInstanceOf(RecordError.class)
        .hasMessage("key_value: unterminated quote \" starting at offset 8 of body");
    assertThatThrownBy(() -> logfmt.parse("a=1 =2", "body"))
        .hasMessage("key_value: empty key at offset 4 of body (expected key=value)");
    assertThatThrownBy(() -> logfmt.parse("a=\"x\"y", "body"))
        .hasMessage(
            "key_value: unexpected \"y\" at offset 5 of body (expected a pair delimiter after the value of \"a\")");
    assertThatThrownBy(() -> logfmt.parse("   ", "body"))
        .hasMessage("key_value: no key=value pairs in body");
  }
}
