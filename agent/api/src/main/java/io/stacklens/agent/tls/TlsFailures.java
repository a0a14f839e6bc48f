package io.stacklens.agent.tls;

import io.stacklens.agent.telemetry.ServerRefusals;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Says in words why a TLS handshake on a server failed, for the log line that reports it: the JDK's
 * exceptions name the alert or the certificate path step, not what a person should change.
 */
public final class TlsFailures {
  private TlsFailures() {}

  /**
   * Why the handshake that threw {@code failure} failed, e.g. "the client's certificate expired
   * (NotAfter: ...)" or "the client's certificate is not signed by a CA in client_ca_file".
   */
  public static String describe(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return "the client's certificate has expired (" + t.getMessage() + ")";
      }
      if (t instanceof CertificateNotYetValidException) {
        return "the client's certificate is not valid yet (" + t.getMessage() + ")";
      }
      if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
        return "the client did not speak TLS (plaintext sent to a TLS port: an http:// URL, or a"
            + " client without TLS settings?)";
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException v
          && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
        return "the client's certificate has expired";
      }
    }
    String message = firstMessage(failure);
    String m = allMessages(failure).toLowerCase(Locale.ROOT);
    if (m.contains("unable to find valid certification path")
        || m.contains("path building failed")) {
      return "the client's certificate is not signed by a CA in client_ca_file";
    }
    if (m.contains("empty client certificate chain")
        || m.contains("empty certificate chain")
        || m.contains("certificate required")) {
      return "the client sent no certificate; client_ca_file requires one (mutual TLS)";
    }
    if (m.contains("certificate_unknown")
        || m.contains("unknown_ca")
        || m.contains("bad_certificate")) {
      return "the client refused the server's certificate ("
          + message
          + "): does the client trust the CA that signed cert_file, and does the certificate"
          + " name the host the client dials?";
    }
    if (m.contains("insufficient buffer remaining for aead")
        || m.contains("connection reset")
        || m.contains("closed by peer")) {
      return "the client broke off the handshake ("
          + message
          + "); most often it does not trust the server's certificate: check its CA setting";
    }
    if (m.contains("no appropriate protocol") || m.contains("protocol_version")) {
      return "the client offers no TLS version the server accepts (min_version; " + message + ")";
    }
    if (m.contains("no_application_protocol") || m.contains("application protocol")) {
      return "the client and server share no application protocol (ALPN: " + message + ")";
    }
    return message;
  }

  /**
   * Counts and logs a failed handshake of a server's connection from {@code client}: the one report
   * both Netty copies' handshake watches make.
   */
  public static void report(ServerRefusals refusals, Object client, Throwable failure) {
    refusals.refusedConnection(
        ServerRefusals.TLS_HANDSHAKE,
        () -> "TLS handshake with " + client + " failed: " + describe(failure));
  }

  private static String firstMessage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null) return t.getMessage();
    }
    return failure.getClass().getSimpleName();
  }

  private static String allMessages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause())
      all.append(t.getMessage()).append('\n');
    return all.toString();
  }
}
