package io.stacklens.agent.auth;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Secret;

/**
 * {@code auth:} beside a server's {@code endpoint} (a receiver's, the admin endpoint's): the
 * credential every request must carry in its {@code Authorization} header. One of:
 *
 * <pre>
 * auth: { bearer_token: "${env:INGEST_TOKEN}" }                    # Authorization: Bearer &lt;token&gt;
 * auth: { basic: { username: agent, password: "${env:INGEST_PW}" } } # Authorization: Basic ...
 * </pre>
 *
 * A request without it, or with another, is answered 401 (gRPC: {@code UNAUTHENTICATED}) and
 * counted; the comparison takes the same time whatever the credential sent.
 */
public class AuthSettings implements ComponentConfig {
  /** The token of {@code Authorization: Bearer <token>}. */
  @Secret public String bearerToken;

  /** User name and password of {@code Authorization: Basic ...}. */
  public Basic basic;

  /** {@code auth.basic}. */
  public static class Basic implements ComponentConfig {
    public String username;
    @Secret public String password;

    @Override
    public void validate(ConfigProblems problems) {
      if (username == null || username.isEmpty()) {
        problems.error("username", "is required");
      } else if (username.indexOf(':') >= 0) {
        problems.error("username", "must not contain ':' (HTTP basic authentication splits on it)");
      }
      if (password == null || password.isEmpty()) problems.error("password", "is required");
    }
  }

  @Override
  public void validate(ConfigProblems problems) {
    if (bearerToken == null && basic == null) {
      problems.error("", "needs bearer_token or basic");
    } else if (bearerToken != null && basic != null) {
      problems.error("", "takes bearer_token or basic, not both");
    } else if (bearerToken != null && bearerToken.isBlank()) {
      problems.error(
          "bearer_token", "is empty (an unset ${env:...}?); every request would be refused");
    }
  }

  /**
   * What checks requests against {@code auth} (validated), or null when there is none: every server
   * that takes {@code auth} builds its check here.
   */
  public static Authenticator authenticator(AuthSettings auth) {
    if (auth == null) return null;
    return auth.bearerToken != null
        ? Authenticator.bearer(auth.bearerToken)
        : Authenticator.basic(auth.basic.username, auth.basic.password);
  }
}
