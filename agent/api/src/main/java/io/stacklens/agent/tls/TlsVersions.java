package io.stacklens.agent.tls;

import io.stacklens.agent.api.ConfigProblems;

/** {@code min_version} of servers and clients alike: what it accepts and what it offers. */
final class TlsVersions {
  private TlsVersions() {}

  /** Reports a {@code min_version} other than {@code "1.2"} or {@code "1.3"}. */
  static void check(String minVersion, ConfigProblems problems) {
    if (minVersion == null || !(minVersion.equals("1.2") || minVersion.equals("1.3"))) {
      problems.error(
          "min_version",
          "must be \"1.2\" or \"1.3\" (1.0 and 1.1 are deprecated, RFC 8996), got "
              + (minVersion == null ? "nothing" : "\"" + minVersion + "\""));
    }
  }

  /** The JDK's protocol names offered from a validated {@code min_version}, newest first. */
  static String[] protocols(String minVersion) {
    return "1.3".equals(minVersion)
        ? new String[] {"TLSv1.3"}
        : new String[] {"TLSv1.3", "TLSv1.2"};
  }
}
