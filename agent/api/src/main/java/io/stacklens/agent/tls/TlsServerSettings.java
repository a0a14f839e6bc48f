package io.stacklens.agent.tls;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import io.stacklens.agent.api.Durations;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code tls:} beside a server's {@code endpoint} (a receiver's, the admin endpoint's): the server
 * speaks TLS with the certificate and key in {@code cert_file} / {@code key_file}, and with {@code
 * client_ca_file} also asks every client for a certificate signed by one of those CAs (mutual TLS).
 *
 * <pre>
 * tls:
 *   cert_file: /etc/stacklens/tls/server.pem     # the server's certificate, then its chain (PEM)
 *   key_file: /etc/stacklens/tls/server.key      # its private key: PKCS#8, PKCS#1 or SEC1 PEM
 *   client_ca_file: /etc/stacklens/tls/ca.pem    # optional: require client certificates (mTLS)
 *   min_version: "1.2"                           # or "1.3"
 *   reload_interval: 1m                          # how often the files are checked; 0s: never
 * </pre>
 *
 * The files are read when the config is validated, so a missing file, a damaged one or a key that
 * does not belong to the certificate is a config error with its line; when they change on disk the
 * new ones serve new connections (established ones keep theirs).
 */
public class TlsServerSettings implements ComponentConfig {
  /** Default of {@link #reloadInterval}. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofMinutes(1);

  /** The server's certificate, followed by any intermediate CAs, PEM. Required. */
  public String certFile;

  /** The certificate's private key, PEM, unencrypted. Required. */
  public String keyFile;

  /**
   * CAs (PEM) whose client certificates are accepted; when set, a client without such a certificate
   * is refused during the handshake. None by default (no client certificates).
   */
  public String clientCaFile;

  /** Lowest TLS version offered: {@code "1.2"} (default) or {@code "1.3"}. */
  public String minVersion = "1.2";

  /**
   * How often the three files are read again; changed contents serve the next connections. Default
   * 1m; {@code 0s} never reloads.
   */
  public Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;

  @Override
  public void validate(ConfigProblems problems) {
    TlsVersions.check(minVersion, problems);
    if (reloadInterval == null || reloadInterval.isNegative()) {
      problems.error(
          "reload_interval",
          "must be a duration of 0s (never) or more, got " + Durations.describe(reloadInterval));
    }
    boolean complete = true;
    if (certFile == null || certFile.isBlank()) {
      problems.error("cert_file", "is required: the server's certificate (PEM)");
      complete = false;
    }
    if (keyFile == null || keyFile.isBlank()) {
      problems.error("key_file", "is required: the private key of cert_file (PEM)");
      complete = false;
    }
    if (complete) checkFiles(problems);
  }

  private void checkFiles(ConfigProblems problems) {
    List<X509Certificate> chain = null;
    PrivateKey key = null;
    try {
      chain = PemFiles.certificates(Path.of(certFile));
    } catch (IllegalArgumentException e) {
      problems.error("cert_file", e.getMessage());
    }
    try {
      key = PemFiles.privateKey(Path.of(keyFile));
    } catch (IllegalArgumentException e) {
      problems.error("key_file", e.getMessage());
    }
    if (chain != null && key != null) {
      try {
        PemFiles.checkPair(chain.get(0), key, Path.of(certFile), Path.of(keyFile));
      } catch (IllegalArgumentException e) {
        problems.error("key_file", e.getMessage());
      }
      Instant notAfter = chain.get(0).getNotAfter().toInstant();
      if (notAfter.isBefore(Instant.now())) {
        problems.warning(
            "cert_file",
            "the certificate "
                + chain.get(0).getSubjectX500Principal().getName()
                + " expired on "
                + notAfter
                + "; clients that check it will refuse to connect until it is replaced");
      }
    }
    if (clientCaFile != null && clientCaFile.isBlank()) {
      problems.error("client_ca_file", "is empty; remove it, or name the CA file (PEM)");
    } else if (clientCaFile != null) {
      try {
        PemFiles.certificates(Path.of(clientCaFile));
      } catch (IllegalArgumentException e) {
        problems.error("client_ca_file", e.getMessage());
      }
    }
  }
}
