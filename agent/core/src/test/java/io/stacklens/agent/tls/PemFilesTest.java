package io.stacklens.agent.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.testing.tls.TestCa;
import io.stacklens.agent.testing.tls.TestCertificate;
import io.stacklens.agent.testing.tls.TestCertificate.KeyFormat;
import io.stacklens.agent.testing.tls.TestCertificate.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
  @TempDir Path dir;
  private TestCa ca;

  @BeforeEach
  void makeCa() {
    ca = TestCa.create(dir, "test-ca");
  }

  private TestCertificate rsaServer() {
    Instant now = Instant.now();
    return ca.issue(
        "rsa-server",
        true,
        KeyType.RSA,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(1)));
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, US_ASCII);
  }

  @Test
  void readsACertificateChainInFileOrder() throws Exception {
    TestCertificate server = ca.server("server", "localhost");
    Path chain =
        write(
            "chain.pem",
            Files.readString(server.certFile(), US_ASCII)
                + Files.readString(ca.certFile(), US_ASCII));

    List<X509Certificate> certificates = PemFiles.certificates(chain);

    assertThat(certificates).containsExactly(server.certificate(), ca.certificate());
  }

  @Test
  void readsCertificatesWithWindowsLineEndings() throws Exception {
    TestCertificate server = ca.server("server", "localhost");
    Path crlf =
        write("crlf.pem", Files.readString(server.certFile(), US_ASCII).replace("\n", "\r\n"));

    assertThat(PemFiles.certificates(crlf)).containsExactly(server.certificate());
  }

  @Test
  void readsAnEcKeyWrittenAsPkcs8() {
    TestCertificate server = ca.server("server", "localhost");
    Path file = server.writeKey(dir.resolve("ec-pkcs8.key"), KeyFormat.PKCS8);

    PrivateKey key = PemFiles.privateKey(file);

    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(key.getEncoded()).isEqualTo(server.privateKey().getEncoded());
    PemFiles.checkPair(server.certificate(), key, server.certFile(), file);
  }

  @Test
  void readsAnRsaKeyWrittenAsPkcs8() {
    TestCertificate server = rsaServer();
    Path file = server.writeKey(dir.resolve("rsa-pkcs8.key"), KeyFormat.PKCS8);

    PrivateKey key = PemFiles.privateKey(file);

    assertThat(key.getAlgorithm()).isEqualTo("RSA");
    assertThat(key.getEncoded()).isEqualTo(server.privateKey().getEncoded());
    PemFiles.checkPair(server.certificate(), key, server.certFile(), file);
  }

  @Test
  void readsAnRsaKeyWrittenAsPkcs1() {
    TestCertificate server = rsaServer();
    Path file = server.writeKey(dir.resolve("rsa-pkcs1.key"), KeyFormat.PKCS1_RSA);

    PrivateKey key = PemFiles.privateKey(file);

    assertThat(key.getAlgorithm()).isEqualTo("RSA");
    assertThat(key.getEncoded()).isEqualTo(server.privateKey().getEncoded());
    PemFiles.checkPair(server.certificate(), key, server.certFile(), file);
  }

  @Test
  void readsAnEcKeyWrittenAsSec1() throws Exception {
    TestCertificate server = ca.server("server", "localhost");
    Path file = server.writeKey(dir.resolve("ec-sec1.key"), KeyFormat.SEC1_EC);
    assertThat(Files.readString(file, US_ASCII)).contains("-----BEGIN EC PRIVATE KEY-----");

    PrivateKey key = PemFiles.privateKey(file);

    // The SEC1 structure carries the curve and public key, which the JDK's own PKCS#8 encoding of
    // a generated key leaves out, so the encodings differ; the key itself (curve and secret) is
    // the same.
    ECPrivateKey original = (ECPrivateKey) server.privateKey();
    assertThat(key).isInstanceOf(ECPrivateKey.class);
    ECPrivateKey read = (ECPrivateKey) key;
    assertThat(read.getS()).isEqualTo(original.getS());
    assertThat(read.getParams().getCurve()).isEqualTo(original.getParams().getCurve());
    assertThat(read.getParams().getOrder()).isEqualTo(original.getParams().getOrder());
    PemFiles.checkPair(server.certificate(), key, server.certFile(), file);
  }

  @Test
  void readsTheKeyFromAFileThatAlsoHoldsTheCertificate() throws Exception {
    TestCertificate server = ca.server("server", "localhost");
    Path both =
        write(
            "both.pem",
            Files.readString(server.certFile(), US_ASCII)
                + Files.readString(server.keyFile(), US_ASCII));

    assertThat(PemFiles.privateKey(both).getEncoded()).isEqualTo(server.privateKey().getEncoded());
    assertThat(PemFiles.certificates(both)).containsExactly(server.certificate());
  }

  @Test
  void refusesAnEncryptedKeyNamingTheFile() throws Exception {
    Path file =
        write(
            "encrypted.key",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + "MIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI3+Fr\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n");

    assertThatThrownBy(() -> PemFiles.privateKey(file))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encrypted")
        .hasMessageContaining(file.toString());
  }

  @Test
  void refusesAnOldStyleEncryptedRsaKeyAsEncrypted() throws Exception {
    Path file =
        write(
            "legacy-encrypted.key",
            "-----BEGIN RSA PRIVATE KEY-----\n"
                + "Proc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-256-CBC,0123456789ABCDEF0123456789ABCDEF\n\n"
                + "MIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI3+Fr\n"
                + "-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> PemFiles.privateKey(file))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encrypted")
        .hasMessageContaining(file.toString());
  }

  @Test
  void refusesEcKeysWithDamagedLengthsInsteadOfLoopingOrThrowingElsewhere() throws Exception {
    // A length that overflowed an int once made an element end before it started (an endless
    // loop); another ran past the end of the key.
    for (String base64 : new String[] {"MBECAQEEAQAEAQAEhP////cAAA==", "MAoCAQEEAQCghP////8A"}) {
      Path file =
          write(
              "damaged-ec.key",
              "-----BEGIN EC PRIVATE KEY-----\n" + base64 + "\n-----END EC PRIVATE KEY-----\n");

      assertThatThrownBy(() -> PemFiles.privateKey(file))
          .as(base64)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  void aMissingFileDoesNotExist() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> PemFiles.certificates(missing))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> PemFiles.privateKey(missing))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aKeyFileIsNotACertificate() {
    TestCertificate server = ca.server("server", "localhost");

    assertThatThrownBy(() -> PemFiles.certificates(server.keyFile()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no certificate")
        .hasMessageContaining(server.keyFile().toString());
  }

  @Test
  void aCertificateFileIsNotAKey() {
    TestCertificate server = ca.server("server", "localhost");

    assertThatThrownBy(() -> PemFiles.privateKey(server.certFile()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no private key")
        .hasMessageContaining(server.certFile().toString());
  }

  @Test
  void anEmptyFileHoldsNeitherCertificateNorKey() throws Exception {
    Path empty = write("empty.pem", "");

    assertThatThrownBy(() -> PemFiles.certificates(empty))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no certificate");
    assertThatThrownBy(() -> PemFiles.privateKey(empty))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no private key");
  }

  @Test
  void refusesDamagedBase64WithAClearMessage() throws Exception {
    for (String type : List.of("CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")) {
      for (String body : List.of("A", "AB=C", "====", "AA==AA==")) {
        Path file =
            write(
                "damaged.pem",
                "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");

        assertThatThrownBy(() -> read(type, file))
            .as("%s block holding %s", type, body)
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not valid base64")
            .hasMessageContaining(type)
            .hasMessageContaining(file.toString());
      }
    }
  }

  @Test
  void refusesValidBase64ThatIsNotDerAsDamaged() throws Exception {
    for (String type : List.of("CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")) {
      for (String body : List.of("", "AAAA", "QUJD", "MIIB")) {
        Path file =
            write(
                "garbage.pem",
                "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");

        assertThatThrownBy(() -> read(type, file))
            .as("%s block holding '%s'", type, body)
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(file.toString());
      }
    }
  }

  @Test
  void refusesATruncatedCertificateNamingTheFile() throws Exception {
    TestCertificate server = ca.server("server", "localhost");
    String pem = Files.readString(server.certFile(), US_ASCII);
    Path truncated =
        write("truncated.pem", pem.substring(0, 200) + "\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> PemFiles.certificates(truncated))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be read")
        .hasMessageContaining(truncated.toString());
  }

  private static Object read(String type, Path file) {
    return type.equals("CERTIFICATE") ? PemFiles.certificates(file) : PemFiles.privateKey(file);
  }

  @Test
  void aKeyOfAnotherCertificateDoesNotBelongToIt() {
    TestCertificate server = ca.server("server", "localhost");
    TestCertificate other = ca.server("other", "localhost");
    PrivateKey otherKey = PemFiles.privateKey(other.keyFile());

    assertThatThrownBy(
            () ->
                PemFiles.checkPair(
                    server.certificate(), otherKey, server.certFile(), other.keyFile()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to the certificate")
        .hasMessageContaining(server.certFile().toString())
        .hasMessageContaining(other.keyFile().toString());
  }

  @Test
  void anRsaKeyDoesNotBelongToAnEcCertificate() {
    TestCertificate ecServer = ca.server("server", "localhost");
    TestCertificate rsa = rsaServer();
    PrivateKey rsaKey = PemFiles.privateKey(rsa.keyFile());

    assertThatThrownBy(
            () ->
                PemFiles.checkPair(
                    ecServer.certificate(), rsaKey, ecServer.certFile(), rsa.keyFile()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to the certificate")
        .hasMessageContaining("EC vs RSA")
        .hasMessageContaining(ecServer.certFile().toString())
        .hasMessageContaining(rsa.keyFile().toString());
  }

  @Test
  void anRsaKeyOfAnotherCertificateDoesNotBelongToIt() {
    TestCertificate server = rsaServer();
    TestCertificate other = rsaServer();
    PrivateKey otherKey = PemFiles.privateKey(other.keyFile());

    assertThatThrownBy(
            () ->
                PemFiles.checkPair(
                    server.certificate(), otherKey, server.certFile(), other.keyFile()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to the certificate");
  }
}
