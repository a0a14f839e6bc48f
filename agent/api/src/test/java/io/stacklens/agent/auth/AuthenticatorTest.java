package io.stacklens.agent.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private final Authenticator bearer = Authenticator.bearer("s3cret-token");
  private final Authenticator basic = Authenticator.basic("agent", "pa:ss word");

  private static String basicHeader(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBearerTokenIsAcceptedWithTheSchemeInAnyCase() {
    assertThat(bearer.accepts("Bearer s3cret-token")).isTrue();
    assertThat(bearer.accepts("bearer s3cret-token")).isTrue();
    assertThat(bearer.accepts("  BEARER   s3cret-token ")).isTrue();
  }

  @Test
  void anythingElseIsRefused() {
    assertThat(bearer.accepts(null)).isFalse();
    assertThat(bearer.accepts("")).isFalse();
    assertThat(bearer.accepts("s3cret-token")).isFalse();
    assertThat(bearer.accepts("Bearer s3cret-toke")).isFalse();
    assertThat(bearer.accepts("Bearer s3cret-token2")).isFalse();
    assertThat(bearer.accepts("Basic s3cret-token")).isFalse();
    assertThat(bearer.accepts("Bearer ")).isFalse();
  }

  @Test
  void basicCredentialsAreTheBase64OfUserColonPassword() {
    assertThat(basic.accepts(basicHeader("agent", "pa:ss word"))).isTrue();
    assertThat(basic.accepts(basicHeader("agent", "pa:ss wor"))).isFalse();
    assertThat(basic.accepts(basicHeader("Agent", "pa:ss word"))).isFalse();
    assertThat(basic.accepts("Bearer " + basicHeader("agent", "pa:ss word").substring(6)))
        .isFalse();
  }

  @Test
  void aRefusalSaysWhatWasWrongWithoutRepeatingTheCredential() {
    assertThat(bearer.refusal(null))
        .isEqualTo(
            "the request has no Authorization header; send Authorization: Bearer <credential>");
    assertThat(bearer.refusal("Basic abc"))
        .isEqualTo("the Authorization header uses the basic scheme; this endpoint takes Bearer");
    assertThat(bearer.refusal("Bearer wrong-guess"))
        .isEqualTo("the Bearer credential in the Authorization header is not the configured one")
        .doesNotContain("wrong-guess");
    assertThat(bearer.refusal("wrong-guess")).doesNotContain("wrong-guess");
    assertThat(basic.challenge()).isEqualTo("Basic realm=\"stacklens\"");
    assertThat(bearer.challenge()).isEqualTo("Bearer realm=\"stacklens\"");
  }
}
