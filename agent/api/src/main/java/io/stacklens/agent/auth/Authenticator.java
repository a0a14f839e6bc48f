package io.stacklens.agent.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * Checks a request's {@code Authorization} header against the one configured credential ({@link
 * AuthSettings}). The scheme is matched without regard to case (RFC 9110); the credential is
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing of
 * how much of it, or of its length, a guess got right. Immutable and thread-safe.
 */
public final class Authenticator {
  private final String scheme;
  private final byte[] expectedDigest;

  private Authenticator(String scheme, String credential) {
    this.scheme = scheme;
    this.expectedDigest = digest(credential);
  }

  /** {@code Authorization: Bearer <token>}. */
  public static Authenticator bearer(String token) {
    return new Authenticator("Bearer", token);
  }

  /** {@code Authorization: Basic base64(username:password)}. */
  public static Authenticator basic(String username, String password) {
    return new Authenticator(
        "Basic", Base64.getEncoder().encodeToString((username + ":" + password).getBytes(UTF_8)));
  }

  /**
   * Whether {@code authorization} (the header's value, null when absent) carries the credential.
   */
  public boolean accepts(String authorization) {
    String given = "";
    if (authorization != null) {
      String value = authorization.strip();
      int space = value.indexOf(' ');
      if (space > 0 && value.substring(0, space).equalsIgnoreCase(scheme)) {
        given = value.substring(space + 1).strip();
      }
    }
    return MessageDigest.isEqual(digest(given), expectedDigest);
  }

  /**
   * Why {@code authorization} was refused, for the client and the log line; never repeats the
   * credential sent.
   */
  public String refusal(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return "the request has no Authorization header; send Authorization: "
          + scheme
          + " <credential>";
    }
    String sent = authorization.strip();
    int space = sent.indexOf(' ');
    String sentScheme = space > 0 ? sent.substring(0, space) : sent;
    if (!sentScheme.equalsIgnoreCase(scheme)) {
      return "the Authorization header uses the "
          + (space > 0 ? sentScheme.toLowerCase(Locale.ROOT) : "unknown")
          + " scheme; this endpoint takes "
          + scheme;
    }
    return "the " + scheme + " credential in the Authorization header is not the configured one";
  }

  /** The {@code WWW-Authenticate} challenge of a 401 answer. */
  public String challenge() {
    return scheme + " realm=\"stacklens\"";
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
