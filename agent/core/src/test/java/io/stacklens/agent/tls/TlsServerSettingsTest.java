package io.stacklens.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.stacklens.agent.testing.ValidationProblems;
import io.stacklens.agent.testing.ValidationProblems.Problem;
import io.stacklens.agent.testing.tls.TestCa;
import io.stacklens.agent.testing.tls.TestCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsServerSettingsTest {
  @TempDir Path dir;
  private TestCa ca;
  private TestCertificate server;

  @BeforeEach
  void makeCertificates() {
    ca = TestCa.create(dir, "test-ca");
    server = ca.server("server", "localhost", "127.0.0.1");
  }

  private TlsServerSettings settings(TestCertificate certificate) {
    TlsServerSettings settings = new TlsServerSettings();
    settings.certFile = certificate.certFile().toString();
    settings.keyFile = certificate.keyFile().toString();
    return settings;
  }

  private static List<Problem> validate(TlsServerSettings settings) {
    return ValidationProblems.of(settings);
  }

  @Test
  void aMatchingPairHasNoProblems() {
    assertThat(validate(settings(server))).isEmpty();
  }

  @Test
  void aMatchingPairWithClientCasHasNoProblems() {
    TlsServerSettings settings = settings(server);
    settings.clientCaFile = ca.certFile().toString();
    settings.minVersion = "1.3";
    settings.reloadInterval = Duration.ZERO;

    assertThat(validate(settings)).isEmpty();
  }

  @Test
  void defaultsToTls12AndReloadingEveryMinute() {
    TlsServerSettings settings = new TlsServerSettings();

    assertThat(settings.minVersion).isEqualTo("1.2");
    assertThat(settings.reloadInterval).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.clientCaFile).isNull();
  }

  @Test
  void certFileAndKeyFileAreRequired() {
    List<Problem> problems = validate(new TlsServerSettings());

    assertThat(problems)
        .extracting(Problem::error, Problem::key)
        .containsExactlyInAnyOrder(tuple(true, "cert_file"), tuple(true, "key_file"));
    assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("is required"));
  }

  @Test
  void aBlankCertFileIsMissing() {
    TlsServerSettings settings = settings(server);
    settings.certFile = "  ";

    ValidationProblems.assertOneError(validate(settings), "cert_file", "is required");
  }

  @Test
  void refusesTls11NamingBothAcceptedVersions() {
    TlsServerSettings settings = settings(server);
    settings.minVersion = "1.1";

    ValidationProblems.assertOneError(validate(settings), "min_version", "1.2", "1.3", "\"1.1\"");
  }

  @Test
  void refusesAMissingMinVersion() {
    TlsServerSettings settings = settings(server);
    settings.minVersion = null;

    assertThat(validate(settings))
        .singleElement()
        .satisfies(p -> assertThat(p.key()).isEqualTo("min_version"));
  }

  @Test
  void acceptsTls13() {
    TlsServerSettings settings = settings(server);
    settings.minVersion = "1.3";

    assertThat(validate(settings)).isEmpty();
  }

  @Test
  void refusesANegativeReloadInterval() {
    TlsServerSettings settings = settings(server);
    settings.reloadInterval = Duration.ofSeconds(-1);

    ValidationProblems.assertOneError(validate(settings), "reload_interval");
  }

  @Test
  void reportsAKeyOfAnotherCertificateAtKeyFile() {
    TestCertificate other = ca.server("other", "localhost");
    TlsServerSettings settings = settings(server);
    settings.keyFile = other.keyFile().toString();

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.error()).isTrue();
              assertThat(p.key()).isEqualTo("key_file");
              assertThat(p.message())
                  .contains("does not belong to the certificate")
                  .contains(server.certFile().toString())
                  .contains(other.keyFile().toString());
            });
  }

  @Test
  void reportsAMissingCertFileAtCertFile() {
    TlsServerSettings settings = settings(server);
    settings.certFile = dir.resolve("nowhere.pem").toString();

    ValidationProblems.assertOneError(
        validate(settings), "cert_file", "does not exist", "nowhere.pem");
  }

  @Test
  void reportsAMissingKeyFileAtKeyFile() {
    TlsServerSettings settings = settings(server);
    settings.keyFile = dir.resolve("nowhere.key").toString();

    ValidationProblems.assertOneError(
        validate(settings), "key_file", "does not exist", "nowhere.key");
  }

  @Test
  void reportsAMissingClientCaFileAtClientCaFile() {
    TlsServerSettings settings = settings(server);
    settings.clientCaFile = dir.resolve("no-ca.pem").toString();

    ValidationProblems.assertOneError(
        validate(settings), "client_ca_file", "does not exist", "no-ca.pem");
  }

  @Test
  void reportsABlankClientCaFileAsEmpty() {
    TlsServerSettings settings = settings(server);
    settings.clientCaFile = " ";

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("client_ca_file");
              assertThat(p.message()).contains("is empty");
            });
  }

  @Test
  void reportsAClientCaFileWithoutCertificatesAtClientCaFile() {
    TlsServerSettings settings = settings(server);
    settings.clientCaFile = server.keyFile().toString();

    assertThat(validate(settings))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("client_ca_file");
              assertThat(p.message()).contains("holds no certificate");
            });
  }

  @Test
  void warnsButAcceptsAnExpiredServerCertificate() {
    Instant now = Instant.now();
    TestCertificate expired =
        ca.issue(
            "expired",
            true,
            now.minus(Duration.ofDays(10)),
            now.minus(Duration.ofDays(1)),
            "localhost");

    assertThat(validate(settings(expired)))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.error()).isFalse();
              assertThat(p.key()).isEqualTo("cert_file");
              assertThat(p.message()).contains("expired").contains("CN=expired");
            });
  }

  @Test
  void reportsEveryProblemAtOnce() {
    TlsServerSettings settings = new TlsServerSettings();
    settings.minVersion = "1.0";
    settings.reloadInterval = Duration.ofSeconds(-5);

    assertThat(validate(settings))
        .extracting(Problem::key)
        .containsExactlyInAnyOrder("min_version", "reload_interval", "cert_file", "key_file");
  }
}
