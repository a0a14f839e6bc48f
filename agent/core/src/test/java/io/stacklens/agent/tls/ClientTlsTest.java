package io.stacklens.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.testing.tls.TestCa;
import io.stacklens.agent.testing.tls.TestCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClientTls} against a real JDK TLS server: whom the client trusts, and the certificate it
 * shows.
 */
class ClientTlsTest {
  private static final int TIMEOUT_MILLIS = 30_000;
  private static final char[] NO_PASSWORD = new char[0];

  @TempDir Path dir;
  private TestCa ca;
  private TestCa stranger;
  private SSLServerSocket server;

  @BeforeEach
  void makeCas() {
    ca = TestCa.create(dir.resolve("trusted"), "trusted-ca");
    stranger = TestCa.create(dir.resolve("stranger"), "stranger-ca");
  }

  @AfterEach
  void closeServer() throws IOException {
    if (server != null) server.close();
  }

  /**
   * A TLS server on the loopback showing {@code certificate}; when {@code clientCa} is not null it
   * requires a client certificate signed by it.
   */
  private SSLServerSocket serve(TestCertificate certificate, TestCa clientCa) throws Exception {
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, null);
    identity.setKeyEntry(
        "server",
        certificate.privateKey(),
        NO_PASSWORD,
        new Certificate[] {certificate.certificate()});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(identity, NO_PASSWORD);
    TrustManagerFactory trust = null;
    if (clientCa != null) {
      KeyStore cas = KeyStore.getInstance("PKCS12");
      cas.load(null, null);
      cas.setCertificateEntry("ca", clientCa.certificate());
      trust = TrustManagerFactory.getInstance("PKIX");
      trust.init(cas);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
    server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
    server.setSoTimeout(TIMEOUT_MILLIS);
    server.setNeedClientAuth(clientCa != null);
    return server;
  }

  /**
   * Accepts one connection, completes the handshake and answers one byte; yields the client's
   * certificate subject (or "none"), or fails with the server's side of a failed handshake.
   */
  private CompletableFuture<String> acceptOne() {
    SSLServerSocket listening = server;
    return CompletableFuture.supplyAsync(
        () -> {
          try (SSLSocket accepted = (SSLSocket) listening.accept()) {
            accepted.setSoTimeout(TIMEOUT_MILLIS);
            accepted.startHandshake();
            String peer;
            try {
              peer =
                  ((X509Certificate) accepted.getSession().getPeerCertificates()[0])
                      .getSubjectX500Principal()
                      .getName();
            } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
              peer = "none";
            }
            accepted.getOutputStream().write(42);
            accepted.getOutputStream().flush();
            return peer;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /**
   * Connects to the server as {@code host} (for SNI and the host name check, as the JDK's HTTP
   * client does), completes the handshake and reads the server's byte.
   */
  private static int connect(ClientTls tls, String host, int port) throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
      plain.setSoTimeout(TIMEOUT_MILLIS);
      try (SSLSocket socket =
          (SSLSocket) tls.sslContext().getSocketFactory().createSocket(plain, host, port, true)) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(tls.protocols());
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket.getInputStream().read();
      }
    } finally {
      plain.close();
    }
  }

  private TlsClientSettings trusting(TestCa trusted) {
    TlsClientSettings settings = new TlsClientSettings();
    settings.caFile = trusted.certFile().toString();
    return settings;
  }

  private static String await(CompletableFuture<String> served) throws Exception {
    return served.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Test
  void aCaFileTrustsAServerCertificateOfThatCa() throws Exception {
    serve(ca.server("localhost", "localhost", "127.0.0.1"), null);
    CompletableFuture<String> served = acceptOne();

    ClientTls tls = ClientTls.create(trusting(ca), "exporters.otlp.tls");

    assertThat(connect(tls, "localhost", server.getLocalPort())).isEqualTo(42);
    assertThat(await(served)).isEqualTo("none");
  }

  @Test
  void aCaFileRefusesAServerCertificateOfAnotherCa() throws Exception {
    serve(stranger.server("localhost", "localhost", "127.0.0.1"), null);
    CompletableFuture<String> served = acceptOne();

    ClientTls tls = ClientTls.create(trusting(ca), "exporters.otlp.tls");

    assertThatThrownBy(() -> connect(tls, "localhost", server.getLocalPort()))
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(served).failsWithin(java.time.Duration.ofMillis(TIMEOUT_MILLIS));
  }

  @Test
  void aCaFileRefusesAServerCertificateForAnotherName() throws Exception {
    serve(ca.server("elsewhere", "elsewhere.example"), null);
    CompletableFuture<String> served = acceptOne();

    ClientTls tls = ClientTls.create(trusting(ca), "exporters.otlp.tls");

    assertThatThrownBy(() -> connect(tls, "localhost", server.getLocalPort()))
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(served).failsWithin(java.time.Duration.ofMillis(TIMEOUT_MILLIS));
  }

  @Test
  void insecureSkipVerifyAcceptsAServerCertificateOfAnotherCa() throws Exception {
    serve(stranger.server("localhost", "localhost", "127.0.0.1"), null);
    CompletableFuture<String> served = acceptOne();
    TlsClientSettings settings = trusting(ca);
    settings.insecureSkipVerify = true;

    ClientTls tls = ClientTls.create(settings, "exporters.otlp.tls");

    assertThat(connect(tls, "localhost", server.getLocalPort())).isEqualTo(42);
    assertThat(await(served)).isEqualTo("none");
  }

  @Test
  void insecureSkipVerifyAcceptsAServerCertificateForAnotherName() throws Exception {
    serve(stranger.server("elsewhere", "elsewhere.example"), null);
    CompletableFuture<String> served = acceptOne();
    TlsClientSettings settings = new TlsClientSettings();
    settings.insecureSkipVerify = true;

    ClientTls tls = ClientTls.create(settings, "exporters.otlp.tls");

    assertThat(connect(tls, "localhost", server.getLocalPort())).isEqualTo(42);
    await(served);
  }

  @Test
  void withoutACaFileTheJvmsCasDoNotTrustATestCa() throws Exception {
    serve(ca.server("localhost", "localhost", "127.0.0.1"), null);
    CompletableFuture<String> served = acceptOne();

    ClientTls tls = ClientTls.create(new TlsClientSettings(), "exporters.otlp.tls");

    assertThatThrownBy(() -> connect(tls, "localhost", server.getLocalPort()))
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(served).failsWithin(java.time.Duration.ofMillis(TIMEOUT_MILLIS));
  }

  @Test
  void aClientCertificateIsShownToAServerThatRequiresOne() throws Exception {
    serve(ca.server("localhost", "localhost", "127.0.0.1"), ca);
    CompletableFuture<String> served = acceptOne();
    TestCertificate agent = ca.client("agent");
    TlsClientSettings settings = trusting(ca);
    settings.certFile = agent.certFile().toString();
    settings.keyFile = agent.keyFile().toString();

    ClientTls tls = ClientTls.create(settings, "exporters.otlp.tls");

    assertThat(tls.keyManager()).isNotNull();
    assertThat(connect(tls, "localhost", server.getLocalPort())).isEqualTo(42);
    assertThat(await(served)).isEqualTo("CN=agent");
  }

  @Test
  void withoutAClientCertificateAServerThatRequiresOneRefuses() throws Exception {
    serve(ca.server("localhost", "localhost", "127.0.0.1"), ca);
    CompletableFuture<String> served = acceptOne();

    ClientTls tls = ClientTls.create(trusting(ca), "exporters.otlp.tls");

    assertThat(tls.keyManager()).isNull();
    // TLS 1.3 may report the server's refusal only on the first read after the handshake.
    assertThatThrownBy(() -> connect(tls, "localhost", server.getLocalPort()))
        .isInstanceOf(IOException.class);
    assertThat(served).failsWithin(java.time.Duration.ofMillis(TIMEOUT_MILLIS));
  }

  @Test
  void offersTls13And12ByDefaultAndOnlyTls13WhenAsked() {
    TlsClientSettings settings = new TlsClientSettings();
    assertThat(ClientTls.create(settings, "tls").protocols()).containsExactly("TLSv1.3", "TLSv1.2");

    settings.minVersion = "1.3";
    assertThat(ClientTls.create(settings, "tls").protocols()).containsExactly("TLSv1.3");
  }

  @Test
  void aTls13OnlyClientStillTalksToATls13Server() throws Exception {
    serve(ca.server("localhost", "localhost", "127.0.0.1"), null);
    CompletableFuture<String> served = acceptOne();
    TlsClientSettings settings = trusting(ca);
    settings.minVersion = "1.3";

    ClientTls tls = ClientTls.create(settings, "exporters.otlp.tls");

    assertThat(connect(tls, "localhost", server.getLocalPort())).isEqualTo(42);
    await(served);
  }

  @Test
  void aBlankServerNameOverrideIsNone() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.serverNameOverride = "";
    assertThat(ClientTls.create(settings, "tls").serverNameOverride()).isNull();

    settings.serverNameOverride = "gateway.internal";
    assertThat(ClientTls.create(settings, "tls").serverNameOverride())
        .isEqualTo("gateway.internal");
  }

  @Test
  void aMissingCaFileIsRefusedNamingWhereAndTheFile() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.caFile = dir.resolve("no-ca.pem").toString();

    assertThatThrownBy(() -> ClientTls.create(settings, "exporters.otlp.tls"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("exporters.otlp.tls: ")
        .hasMessageContaining("no-ca.pem")
        .hasMessageContaining("does not exist");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() {
    TestCertificate agent = ca.client("agent");
    TestCertificate other = ca.client("other");
    TlsClientSettings settings = trusting(ca);
    settings.certFile = agent.certFile().toString();
    settings.keyFile = other.keyFile().toString();

    assertThatThrownBy(() -> ClientTls.create(settings, "exporters.otlp.tls"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("exporters.otlp.tls: ")
        .hasMessageContaining("does not belong to the certificate")
        .hasMessageContaining(agent.certFile().toString())
        .hasMessageContaining(other.keyFile().toString());
  }
}
