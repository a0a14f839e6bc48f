package io.stacklens.agent.tls;

import io.stacklens.agent.api.ComponentConfig;
import io.stacklens.agent.api.ConfigProblems;
import java.nio.file.Path;

/**
 * {@code tls:} of a client (the {@code otlp} and {@code otlphttp} exporters), as in the
 * OpenTelemetry Collector's client settings:
 *
 * <pre>
 * tls:
 *   insecure: false                # gRPC: true sends plaintext (no TLS at all)
 *   ca_file: /etc/stacklens/tls/gateway-ca.pem   # trust these CAs; default: the JVM's (system) CAs
 *   cert_file: /etc/stacklens/tls/agent.pem      # a client certificate, for servers that require one
 *   key_file: /etc/stacklens/tls/agent.key
 *   insecure_skip_verify: false    # true: accept any server certificate (tests only)
 *   server_name_override: ""       # gRPC: the name checked in the server's certificate (and SNI)
 *   min_version: "1.2"             # or "1.3"
 * </pre>
 */
public class TlsClientSettings implements ComponentConfig {
  /**
   * No TLS at all (gRPC; for HTTP the endpoint's {@code http://} scheme says it). Default false.
   */
  public boolean insecure;

  /** CA certificates (PEM) the server's certificate must chain to; default the JVM's CAs. */
  public String caFile;

  /**
   * A client certificate (PEM) for servers that ask for one (mutual TLS); with {@link #keyFile}.
   */
  public String certFile;

  /** The private key of {@link #certFile} (PEM: PKCS#8, PKCS#1 or SEC1). */
  public String keyFile;

  /**
   * Accept any server certificate and name: encrypted, but anyone on the path can pose as the
   * server. Default false; for tests only.
   */
  public boolean insecureSkipVerify;

  /** The host name the server's certificate must carry, when it differs from the endpoint's. */
  public String serverNameOverride;

  /** Lowest TLS version: {@code "1.2"} (default) or {@code "1.3"}. */
  public String minVersion = "1.2";

  @Override
  public void validate(ConfigProblems problems) {
    TlsVersions.check(minVersion, problems);
    if ((certFile == null) != (keyFile == null)) {
      problems.error(
          certFile == null ? "cert_file" : "key_file",
          "cert_file and key_file go together: the client certificate and its key");
    }
    if (insecure && (caFile != null || certFile != null || insecureSkipVerify)) {
      problems.warning(
          "insecure",
          "is true: no TLS at all, so ca_file, cert_file and insecure_skip_verify do nothing");
    }
    if (insecureSkipVerify && !insecure) {
      problems.warning(
          "insecure_skip_verify",
          "is true: any server certificate is accepted, so anyone on the path can pose as the"
              + " server; use ca_file instead outside tests");
    }
    if (caFile != null && caFile.isBlank()) {
      problems.error(
          "ca_file", "is empty; remove it to trust the JVM's CAs, or name a CA file (PEM)");
    } else if (caFile != null) {
      try {
        PemFiles.certificates(Path.of(caFile));
      } catch (IllegalArgumentException e) {
        problems.error("ca_file", e.getMessage());
      }
    }
    if (certFile != null && keyFile != null) {
      try {
        PemFiles.checkPair(
            PemFiles.certificates(Path.of(certFile)).get(0),
            PemFiles.privateKey(Path.of(keyFile)),
            Path.of(certFile),
            Path.of(keyFile));
      } catch (IllegalArgumentException e) {
        problems.error(
            e.getMessage().contains("does not belong") ? "key_file" : "cert_file", e.getMessage());
      }
    }
  }
}
