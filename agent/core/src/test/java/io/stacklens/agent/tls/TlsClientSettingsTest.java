package io.stacklens.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.stacklens.agent.testing.ValidationProblems;
import io.stacklens.agent.testing.ValidationProblems.Problem;
import io.stacklens.agent.testing.tls.TestCa;
import io.stacklens.agent.testing.tls.TestCertificate;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsClientSettingsTest {
  @TempDir Path dir;
  private TestCa ca;
  private TestCertificate client;

  @BeforeEach
  void makeCertificates() {
    ca = TestCa.create(dir, "test-ca");
    client = ca.client("agent");
  }

  private TlsClientSettings mutualTls() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.caFile = ca.certFile().toString();
    settings.certFile = client.certFile().toString();
    settings.keyFile = client.keyFile().toString();
    return settings;
  }

  private static List<Problem> validate(TlsClientSettings settings) {
    return ValidationProblems.of(settings);
  }

  @Test
  void theDefaultsHaveNoProblems() {
    assertThat(validate(new TlsClientSettings())).isEmpty();
  }

  @Test
  void defaultsToTlsWithTheJvmsCasAndTls12() {
    TlsClientSettings settings = new TlsClientSettings();

    assertThat(settings.insecure).isFalse();
    assertThat(settings.insecureSkipVerify).isFalse();
    assertThat(settings.caFile).isNull();
    assertThat(settings.certFile).isNull();
    assertThat(settings.keyFile).isNull();
    assertThat(settings.minVersion).isEqualTo("1.2");
  }

  @Test
  void aCaFileAndAMatchingClientPairHaveNoProblems() {
    assertThat(validate(mutualTls())).isEmpty();
  }

  @Test
  void acceptsTls13() {
    TlsClientSettings settings = mutualTls();
    settings.minVersion = "1.3";

    assertThat(validate(settings)).isEmpty();
  }

  @Test
  void aCertFileWithoutKeyFileIsAnErrorAtKeyFile() {
    TlsClientSettings settings = mutualTls();
    settings.keyFile = null;

    ValidationProblems.assertOneError(
        validate(settings), "key_file", "cert_file and key_file go together");
  }

  @Test
  void aKeyFileWithoutCertFileIsAnErrorAtCertFile() {
    TlsClientSettings settings = mutualTls();
    settings.certFile = null;

    ValidationProblems.assertOneError(
        validate(settings), "cert_file", "cert_file and key_file go together");
  }

  @Test
  void refusesTls11NamingBothAcceptedVersions() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.minVersion = "1.1";

    ValidationProblems.assertOneError(validate(settings), "min_version", "1.2", "1.3", "\"1.1\"");
  }

  @Test
  void refusesAMissingMinVersion() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.minVersion = null;

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("min_version");
              assertThat(p.message()).contains("got nothing");
            });
  }

  @Test
  void insecureWithACaFileIsAWarningAtInsecure() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.insecure = true;
    settings.caFile = ca.certFile().toString();

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.error()).isFalse();
              assertThat(p.key()).isEqualTo("insecure");
              assertThat(p.message()).contains("no TLS at all");
            });
  }

  @Test
  void insecureWithAClientCertificateIsAWarningAtInsecure() {
    TlsClientSettings settings = mutualTls();
    settings.caFile = null;
    settings.insecure = true;

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.error()).isFalse();
              assertThat(p.key()).isEqualTo("insecure");
            });
  }

  @Test
  void insecureAloneIsFine() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.insecure = true;

    assertThat(validate(settings)).isEmpty();
  }

  @Test
  void insecureSkipVerifyIsAWarning() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.insecureSkipVerify = true;

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.error()).isFalse();
              assertThat(p.key()).isEqualTo("insecure_skip_verify");
              assertThat(p.message()).contains("any server certificate is accepted");
            });
  }

  @Test
  void insecureSkipVerifyWithInsecureWarnsOnlyThatNothingIsEncrypted() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.insecureSkipVerify = true;
    settings.insecure = true;

    assertThat(validate(settings))
        .extracting(Problem::error, Problem::key)
        .containsExactly(tuple(false, "insecure"));
  }

  @Test
  void reportsAMissingCaFileAtCaFileNamingIt() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.caFile = dir.resolve("no-ca.pem").toString();

    ValidationProblems.assertOneError(validate(settings), "ca_file", "does not exist", "no-ca.pem");
  }

  @Test
  void reportsACaFileWithoutCertificatesAtCaFile() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.caFile = client.keyFile().toString();

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("ca_file");
              assertThat(p.message()).contains("holds no certificate");
            });
  }

  @Test
  void reportsAKeyOfAnotherCertificateNamingBothFiles() {
    TestCertificate other = ca.client("other");
    TlsClientSettings settings = mutualTls();
    settings.keyFile = other.keyFile().toString();

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.error()).isTrue();
              assertThat(p.key()).isIn("cert_file", "key_file");
              assertThat(p.message())
                  .contains("does not belong to the certificate")
                  .contains(client.certFile().toString())
                  .contains(other.keyFile().toString());
            });
  }

  @Test
  void reportsAMissingCertFileNamingIt() {
    TlsClientSettings settings = mutualTls();
    settings.certFile = dir.resolve("nowhere.pem").toString();

    ValidationProblems.assertOneError(
        validate(settings), "cert_file", "does not exist", "nowhere.pem");
  }

  @Test
  void reportsAMissingKeyFileNamingIt() {
    TlsClientSettings settings = mutualTls();
    settings.keyFile = dir.resolve("nowhere.key").toString();

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.error()).isTrue();
              assertThat(p.message()).contains("does not exist").contains("nowhere.key");
            });
  }

  @Test
  void reportsEveryProblemAtOnce() {
    TlsClientSettings settings = new TlsClientSettings();
    settings.minVersion = "1.0";
    settings.caFile = dir.resolve("no-ca.pem").toString();
    settings.certFile = client.certFile().toString();
    settings.insecureSkipVerify = true;

    assertThat(validate(settings))
        .extracting(Problem::error, Problem::key)
        .containsExactlyInAnyOrder(
            tuple(true, "min_version"),
            tuple(true, "key_file"),
            tuple(false, "insecure_skip_verify"),
            tuple(true, "ca_file"));
  }
}
