package io.stacklens.agent.testing.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.testing.tls.TestCertificate.KeyFormat;
import io.stacklens.agent.testing.tls.TestCertificate.KeyType;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestCertificatesTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int TIMEOUT_MILLIS = 30_000;
  private static final char[] PASSWORD = "test".toCharArray();

  @TempDir Path dir;

  @Test
  void caIsASelfSignedCertificateAuthorityWrittenAsPem() throws Exception {
    TestCa ca = TestCa.create(dir, "test-ca");

    X509Certificate cert = ca.certificate();
    cert.verify(cert.getPublicKey());
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=test-ca");
    assertThat(cert.getNotBefore().toInstant()).isBefore(Instant.now().minus(Duration.ofHours(23)));
    assertThat(cert.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(29)));
    assertThat(ca.certFile()).isEqualTo(dir.resolve("test-ca-ca.pem"));
    assertThat(readCertificates(ca.certFile())).containsExactly(cert);
  }

  @Test
  void serverCertificateVerifiesAgainstTheCaAndHasTheSansAndServerAuth() throws Exception {
    TestCa ca = TestCa.create(dir, "test-ca");

    TestCertificate server = ca.server("server", "localhost", "127.0.0.1", "::1");

    X509Certificate cert = server.certificate();
    cert.verify(ca.certificate().getPublicKey());
    cert.checkValidity();
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=server");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getSerialNumber()).isPositive();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
  }

  @Test
  void clientCertificateHasClientAuth() throws Exception {
    TestCa ca = TestCa.create(dir, "test-ca");

    TestCertificate client = ca.client("agent");

    client.certificate().verify(ca.certificate().getPublicKey());
    assertThat(client.certificate().getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(client.certificate().getSubjectAlternativeNames()).isNull();
  }

  @Test
  void expiredAndNotYetValidCertificatesHaveTheGivenValidity() {
    TestCa ca = TestCa.create(dir, "test-ca");
    Instant now = Instant.now();

    TestCertificate expired =
        ca.issue("expired", true, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
    TestCertificate future =
        ca.issue("future", true, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)));

    assertThat(expired.certificate().getNotAfter().toInstant()).isBefore(now);
    assertThatThrownBy(expired.certificate()::checkValidity)
        .isInstanceOf(CertificateExpiredException.class);
    assertThat(future.certificate().getNotBefore().toInstant()).isAfter(now);
    assertThatThrownBy(future.certificate()::checkValidity)
        .isInstanceOf(CertificateNotYetValidException.class);
  }

  @Test
  void issueRejectsAnEmptyValidity() {
    TestCa ca = TestCa.create(dir, "test-ca");
    Instant now = Instant.now();

    assertThatThrownBy(() -> ca.issue("x", true, now, now))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("notAfter " + now + " must be after notBefore " + now);
  }

  @Test
  void pemFilesParseBackWithTheJdk() throws Exception {
    TestCa ca = TestCa.create(dir, "test-ca");
    TestCertificate server = ca.server("server", "localhost");

    assertThat(server.certFile()).isEqualTo(dir.resolve("server.pem"));
    assertThat(server.keyFile()).isEqualTo(dir.resolve("server.key"));
    assertThat(readCertificates(server.certFile())).containsExactly(server.certificate());
    String keyPem = Files.readString(server.keyFile(), UTF_8);
    assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----");
    PrivateKey key =
        KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(pemBody(keyPem, "PRIVATE KEY")));
    assertThat(key).isEqualTo(server.privateKey());
  }

  @Test
  void certificatesIssuedTwiceGetTheirOwnFiles() {
    TestCa ca = TestCa.create(dir, "test-ca");

    TestCertificate first = ca.server("server", "localhost");
    TestCertificate second = ca.server("server", "localhost");

    assertThat(second.certFile()).isEqualTo(dir.resolve("server-2.pem"));
    assertThat(second.keyFile()).isEqualTo(dir.resolve("server-2.key"));
    assertThat(first.certificate().getSerialNumber())
        .isNotEqualTo(second.certificate().getSerialNumber());
  }

  @Test
  void rsaKeyIsWrittenAsPkcs1AndEcKeyAsSec1() throws Exception {
    TestCa ca = TestCa.create(dir, "test-ca");
    Instant now = Instant.now();
    TestCertificate rsa =
        ca.issue("rsa", true, KeyType.RSA, now, now.plus(Duration.ofDays(1)), "localhost");
    TestCertificate ec = ca.server("ec", "localhost");

    Path pkcs1 = rsa.writeKey(dir.resolve("rsa-pkcs1.key"), KeyFormat.PKCS1_RSA);
    Path sec1 = ec.writeKey(dir.resolve("ec-sec1.key"), KeyFormat.SEC1_EC);

    assertThat(rsa.certificate().getKeyUsage()[2]).as("keyEncipherment").isTrue();
    assertThat(Files.readString(pkcs1, UTF_8)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    KeyPair rsaPair = readKeyPair(pkcs1);
    assertThat(((RSAPrivateCrtKey) rsaPair.getPrivate()).getPrivateExponent())
        .isEqualTo(((RSAPrivateCrtKey) rsa.privateKey()).getPrivateExponent());
    assertThat(Files.readString(sec1, UTF_8)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    KeyPair ecPair = readKeyPair(sec1);
    assertThat(((ECPrivateKey) ecPair.getPrivate()).getS())
        .isEqualTo(((ECPrivateKey) ec.privateKey()).getS());
    assertThat(ecPair.getPublic()).isEqualTo(ec.certificate().getPublicKey());
  }

  @Test
  void keyFormatThatDoesNotFitTheKeyIsRejected() {
    TestCa ca = TestCa.create(dir, "test-ca");
    Instant now = Instant.now();
    TestCertificate rsa = ca.issue("rsa", false, KeyType.RSA, now, now.plus(Duration.ofDays(1)));
    TestCertificate ec = ca.client("ec");

    assertThatThrownBy(() -> ec.writeKey(dir.resolve("x.key"), KeyFormat.PKCS1_RSA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PKCS1_RSA cannot hold the EC key of CN=ec");
    assertThatThrownBy(() -> rsa.writeKey(dir.resolve("x.key"), KeyFormat.SEC1_EC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SEC1_EC cannot hold the RSA key of CN=rsa");
  }

  @Test
  void copyToReplacesTheFilesOfAnotherCertificate() throws Exception {
    TestCa ca = TestCa.create(dir, "test-ca");
    TestCertificate first = ca.server("server", "localhost");
    TestCertificate renewed = ca.server("server", "localhost");
    Path certFile = dir.resolve("live/tls.crt");
    Path keyFile = dir.resolve("live/tls.key");
    first.copyTo(certFile, keyFile);

    renewed.copyTo(certFile, keyFile);

    assertThat(readCertificates(certFile)).containsExactly(renewed.certificate());
    assertThat(keyFile).hasSameTextualContentAs(renewed.keyFile());
    try (var files = Files.list(certFile.getParent())) {
      assertThat(files).containsExactlyInAnyOrder(certFile, keyFile);
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void tlsHandshakeSucceedsWithTheServerAndClientCertificates(KeyType serverKey) throws Exception {
    TestCa ca = TestCa.create(dir, "test-ca");
    Instant now = Instant.now();
    TestCertificate server =
        ca.issue(
            "server",
            true,
            serverKey,
            now.minusSeconds(60),
            now.plus(Duration.ofDays(1)),
            "localhost",
            "127.0.0.1");
    TestCertificate client = ca.client("agent");
    SSLContext serverContext = sslContext(server, ca);
    SSLContext clientContext = sslContext(client, ca);

    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (SSLServerSocket listener =
        (SSLServerSocket)
            serverContext
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      listener.setSoTimeout(TIMEOUT_MILLIS);
      Future<String> serverSide =
          executor.submit(
              () -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                  socket.setSoTimeout(TIMEOUT_MILLIS);
                  socket.getOutputStream().write(socket.getInputStream().read());
                  return socket.getSession().getPeerPrincipal().getName();
                }
              });

      try (SSLSocket socket =
          (SSLSocket)
              clientContext.getSocketFactory().createSocket("localhost", listener.getLocalPort())) {
        socket.setSoTimeout(TIMEOUT_MILLIS);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // checks the SAN "localhost"
        socket.setSSLParameters(parameters);
        socket.getOutputStream().write(42);
        assertThat(socket.getInputStream().read()).isEqualTo(42);
        assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(server.certificate());
      }
      assertThat(serverSide.get(60, TimeUnit.SECONDS)).isEqualTo("CN=agent");
    } finally {
      executor.shutdownNow();
    }
  }

  /** An SSL context with the certificate and key, trusting only the CA. */
  private static SSLContext sslContext(TestCertificate own, TestCa ca) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "own", own.privateKey(), PASSWORD, new Certificate[] {own.certificate(), ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", readCertificates(ca.certFile()).get(0));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  @SuppressWarnings("unchecked")
  private static List<X509Certificate> readCertificates(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (List<X509Certificate>)
          (List<?>) List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  private static byte[] pemBody(String pem, String type) {
    String body =
        pem.replace("-----BEGIN " + type + "-----", "").replace("-----END " + type + "-----", "");
    return Base64.getMimeDecoder().decode(body);
  }

  private static KeyPair readKeyPair(Path file) throws Exception {
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, UTF_8))) {
      return new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) parser.readObject());
    }
  }
}
