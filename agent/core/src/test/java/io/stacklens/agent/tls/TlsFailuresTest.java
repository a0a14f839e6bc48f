package io.stacklens.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.stacklens.agent.testing.tls.TestCa;
import io.stacklens.agent.testing.tls.TestCertificate;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFailuresTest {
  @TempDir Path dir;

  /** What the JDK's own trust manager throws for {@code client} when it trusts only {@code ca}. */
  private static Throwable refusal(TestCa ca, TestCertificate client) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    X509TrustManager manager = (X509TrustManager) factory.getTrustManagers()[0];
    Throwable thrown =
        catchThrowable(
            () -> manager.checkClientTrusted(new X509Certificate[] {client.certificate()}, "EC"));
    assertThat(thrown).as("the trust manager refuses the client").isNotNull();
    // The server's handshake reports it wrapped, as SSLHandshakeException with the cause.
    SSLHandshakeException handshake = new SSLHandshakeException(thrown.getMessage());
    handshake.initCause(thrown);
    return handshake;
  }

  @Test
  void aClientCertificateOfAnotherCaIsNotSignedByAClientCa() throws Exception {
    TestCa trusted = TestCa.create(dir.resolve("trusted"), "trusted-ca");
    TestCa stranger = TestCa.create(dir.resolve("stranger"), "stranger-ca");

    String why = TlsFailures.describe(refusal(trusted, stranger.client("client")));

    assertThat(why).contains("not signed by a CA in client_ca_file");
  }

  @Test
  void anExpiredClientCertificateHasExpired() throws Exception {
    TestCa ca = TestCa.create(dir, "ca");
    Instant now = Instant.now();
    TestCertificate expired =
        ca.issue("client", false, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)));

    String why = TlsFailures.describe(refusal(ca, expired));

    assertThat(why).contains("expired");
  }

  @Test
  void aClientCertificateNotYetValidIsNotValidYet() throws Exception {
    TestCa ca = TestCa.create(dir, "ca");
    Instant now = Instant.now();
    TestCertificate early =
        ca.issue("client", false, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(3)));

    String why = TlsFailures.describe(refusal(ca, early));

    assertThat(why).contains("not valid yet");
  }

  @Test
  void describesAWrappedCertificateExpiredException() {
    SSLHandshakeException failure = new SSLHandshakeException("PKIX path validation failed");
    failure.initCause(new CertificateExpiredException("NotAfter: Mon Jan 01 00:00:00 UTC 2024"));

    assertThat(TlsFailures.describe(failure))
        .contains("expired")
        .contains("NotAfter: Mon Jan 01 00:00:00 UTC 2024");
  }

  @Test
  void describesAWrappedCertificateNotYetValidException() {
    SSLHandshakeException failure = new SSLHandshakeException("PKIX path validation failed");
    failure.initCause(new CertificateNotYetValidException("NotBefore: 2099"));

    assertThat(TlsFailures.describe(failure)).contains("not valid yet");
  }

  @Test
  void pathBuildingFailedIsNotSignedByAClientCa() {
    SSLHandshakeException failure =
        new SSLHandshakeException(
            "PKIX path building failed:"
                + " sun.security.provider.certpath.SunCertPathBuilderException:"
                + " unable to find valid certification path to requested target");

    assertThat(TlsFailures.describe(failure))
        .isEqualTo("the client's certificate is not signed by a CA in client_ca_file");
  }

  @Test
  void anEmptyClientChainIsNoCertificate() {
    assertThat(TlsFailures.describe(new SSLHandshakeException("Empty client certificate chain")))
        .contains("sent no certificate");
  }

  @Test
  void certificateUnknownAlertIsTheClientRefusingTheServer() {
    SSLHandshakeException failure =
        new SSLHandshakeException("Received fatal alert: certificate_unknown");

    assertThat(TlsFailures.describe(failure))
        .contains("refused the server's certificate")
        .contains("Received fatal alert: certificate_unknown");
  }

  @Test
  void unknownCaAlertIsTheClientRefusingTheServer() {
    assertThat(TlsFailures.describe(new SSLHandshakeException("Received fatal alert: unknown_ca")))
        .contains("refused the server's certificate");
  }

  @Test
  void noCommonProtocolVersionNamesMinVersion() {
    SSLHandshakeException failure =
        new SSLHandshakeException(
            "No appropriate protocol (protocol is disabled or cipher suites are inappropriate)");

    assertThat(TlsFailures.describe(failure)).contains("min_version");
  }

  @Test
  void anUnknownMessageIsReturnedAsIs() {
    assertThat(TlsFailures.describe(new SSLHandshakeException("Something odd happened")))
        .isEqualTo("Something odd happened");
  }

  @Test
  void anUnknownWrappedMessageIsTheFirstMessage() {
    Exception failure = new RuntimeException(null, new IllegalStateException("inner reason"));

    assertThat(TlsFailures.describe(failure)).isEqualTo("inner reason");
  }

  @Test
  void aFailureWithoutAnyMessageIsNamedByItsType() {
    assertThat(TlsFailures.describe(new IllegalStateException()))
        .isEqualTo("IllegalStateException");
  }
}
