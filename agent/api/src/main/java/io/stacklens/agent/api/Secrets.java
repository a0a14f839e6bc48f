package io.stacklens.agent.api;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What counts as a secret in config and messages, and how it is hidden: one place for {@code
 * print-config}, log lines and error messages (with the {@link Secret} annotation for fields).
 */
public final class Secrets {
  /** Shown instead of a secret's value. */
  public static final String REDACTED = "<redacted>";

  private static final List<String> SECRET_WORDS =
      List.of("password", "token", "secret", "api_key", "apikey", "jaas", "credentials");

  /** The password of a URL's user information: {@code scheme://user:PASSWORD@host}. */
  private static final Pattern URL_PASSWORD =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*):([^@/\\s]*)@");

  /** A parameter of a URL or connection string: {@code ?name=value}, {@code &...}, {@code ;...}. */
  private static final Pattern URL_PARAMETER = Pattern.compile("([?&;])([^=&;?\\s]+)=([^&;\\s]*)");

  private Secrets() {}

  /**
   * True for names of secrets: any name containing password, token, secret, api_key, apikey, jaas
   * or credentials, in any case ({@code sasl_password}, {@code Auth_Token}, {@code
   * sasl.jaas.config}).
   */
  public static boolean isSecretName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i < SECRET_WORDS.size(); i++) {
      if (lower.contains(SECRET_WORDS.get(i))) return true;
    }
    return false;
  }

  /**
   * {@code text} with the secrets it carries replaced by {@value #REDACTED}: the password of a
   * URL's user information ({@code postgresql://agent:<redacted>@db/logs}) and the value of every
   * URL or connection-string parameter with a secret's name ({@code
   * jdbc:postgresql://db/logs?user=agent&password=<redacted>}, {@code ...;password=<redacted>}).
   * Null stays null.
   */
  public static String redact(String text) {
    if (text == null || (text.indexOf('=') < 0 && text.indexOf('@') < 0)) return text;
    String out = URL_PASSWORD.matcher(text).replaceAll("$1:" + REDACTED + "@");
    Matcher m = URL_PARAMETER.matcher(out);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String kept = isSecretName(m.group(2)) ? m.group(1) + m.group(2) + "=" + REDACTED : m.group();
      m.appendReplacement(b, Matcher.quoteReplacement(kept));
    }
    m.appendTail(b);
    return b.toString();
  }
}
