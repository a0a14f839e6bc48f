package io.stacklens.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stacklens.agent.telemetry.MetricsRegistry;
import io.stacklens.agent.telemetry.ServerRefusals;
import io.stacklens.agent.testing.tls.TestCa;
import io.stacklens.agent.testing.tls.TestCertificate;
import io.stacklens.agent.testing.tls.TlsClients;
import io.stacklens.agent.tls.ServerTls;
import io.stacklens.agent.tls.TlsServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint over TLS and mutual TLS, with certificates the test makes: the HTTP server's
 * TLS as every HTTP receiver uses it. A refused handshake is counted and logged with its reason in
 * words; a renewed certificate serves new connections.
 */
class AdminServerTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Logger agentLog = Logger.getLogger("io.stacklens");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private TestCa ca;
  private TestCertificate server;
  private AdminServer admin;

  @BeforeEach
  void makeCertificates() {
    ca = TestCa.create(dir, "test-ca");
    server = ca.server("agent", "127.0.0.1", "localhost");
    agentLog.addHandler(capture);
  }

  @AfterEach
  void stop() {
    agentLog.removeHandler(capture);
    if (admin != null) admin.close();
  }

  private TlsServerSettings settings(boolean mutual) {
    TlsServerSettings tls = new TlsServerSettings();
    tls.certFile = server.certFile().toString();
    tls.keyFile = server.keyFile().toString();
    if (mutual) tls.clientCaFile = ca.certFile().toString();
    tls.reloadInterval = Duration.ofSeconds(1);
    return tls;
  }

  private void start(TlsServerSettings tls) throws IOException {
    admin =
        new AdminServer(
            "127.0.0.1:0",
            metrics,
            new HealthRegistry(),
            null,
            ServerTls.create(tls, "service.telemetry.tls", List.of("http/1.1")));
    admin.start();
  }

  private HttpResponse<String> get(SSLContext client) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(client)
        .connectTimeout(WAIT)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + admin.port() + "/metrics"))
                .timeout(WAIT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private long refusedHandshakes() {
    return metrics.counterValue(
        ServerRefusals.REFUSED_CONNECTIONS,
        "receiver",
        "admin",
        "transport",
        "http",
        "reason",
        ServerRefusals.TLS_HANDSHAKE);
  }

  @Test
  void servesHttpsToAClientThatTrustsTheCa() throws Exception {
    start(settings(false));

    HttpResponse<String> metricsPage = get(TlsClients.context(ca.certFile(), null));

    assertThat(metricsPage.statusCode()).isEqualTo(200);
    assertThat(metricsPage.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
  }

  @Test
  void mutualTlsServesAClientCertificateFromTheClientCa() throws Exception {
    start(settings(true));

    HttpResponse<String> health = get(TlsClients.context(ca.certFile(), ca.client("collector-1")));

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(refusedHandshakes()).isZero();
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificateAndSaysWhy() throws Exception {
    start(settings(true));

    assertThatThrownBy(() -> get(TlsClients.context(ca.certFile(), null)))
        .isInstanceOf(IOException.class);

    await().atMost(WAIT).until(() -> refusedHandshakes() >= 1);
    assertThat(logged)
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("TLS handshake with /127.0.0.1:")
                    .contains("the client sent no certificate; client_ca_file requires one"));
  }

  @Test
  void mutualTlsRefusesACertificateFromAnotherCaAndSaysWhy() throws Exception {
    start(settings(true));
    TestCa other = TestCa.create(dir.resolve("other"), "other-ca");

    assertThatThrownBy(() -> get(TlsClients.context(ca.certFile(), other.client("intruder"))))
        .isInstanceOf(IOException.class);

    await().atMost(WAIT).until(() -> refusedHandshakes() >= 1);
    assertThat(logged)
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("the client's certificate is not signed by a CA in client_ca_file"));
  }

  @Test
  void mutualTlsRefusesAnExpiredClientCertificateAndSaysWhy() throws Exception {
    start(settings(true));
    TestCertificate expired =
        ca.issue(
            "expired-client",
            false,
            Instant.now().minus(Duration.ofDays(10)),
            Instant.now().minus(Duration.ofDays(1)));

    assertThatThrownBy(() -> get(TlsClients.context(ca.certFile(), expired)))
        .isInstanceOf(IOException.class);

    await().atMost(WAIT).until(() -> refusedHandshakes() >= 1);
    assertThat(logged)
        .anySatisfy(
            line -> assertThat(line).contains("the client's certificate has expired (NotAfter"));
  }

  @Test
  void plainHttpToTheTlsPortIsAnsweredWithWhatToChange() throws Exception {
    start(settings(false));

    String answer;
    try (Socket socket = new Socket("127.0.0.1", admin.port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    assertThat(answer)
        .startsWith("HTTP/1.1 400 Bad Request")
        .contains("this port speaks TLS: send the request to https://");
    await().atMost(WAIT).until(() -> refusedHandshakes() >= 1);
    assertThat(logged).anySatisfy(line -> assertThat(line).contains("did not speak TLS"));
  }

  @Test
  void aRenewedCertificateServesTheNextConnections() throws Exception {
    start(settings(false));
    SSLContext client = TlsClients.context(ca.certFile(), null);
    BigInteger first = servedSerial(client);
    assertThat(first).isEqualTo(server.certificate().getSerialNumber());

    TestCertificate renewed = ca.server("agent", "127.0.0.1", "localhost");
    renewed.copyTo(server.certFile(), server.keyFile());

    await()
        .atMost(WAIT)
        .until(() -> servedSerial(client).equals(renewed.certificate().getSerialNumber()));
  }

  @Test
  void aBrokenRenewalKeepsServingThePreviousCertificate() throws Exception {
    start(settings(false));
    SSLContext client = TlsClients.context(ca.certFile(), null);
    TestCertificate other = ca.server("agent", "127.0.0.1", "localhost");
    // The new certificate with the old key: unusable, so the old pair stays.
    java.nio.file.Files.copy(
        other.certFile(), server.certFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    // Files are checked when a connection arrives, at most once per reload_interval (1s here).
    await()
        .atMost(WAIT)
        .until(
            () -> {
              assertThat(servedSerial(client)).isEqualTo(server.certificate().getSerialNumber());
              return logged.stream().anyMatch(l -> l.contains("cannot be used"));
            });
    assertThat(logged)
        .anySatisfy(l -> assertThat(l).contains("does not belong to the certificate"));
  }

  /** The serial number of the certificate the server shows a new connection. */
  private BigInteger servedSerial(SSLContext client) throws IOException {
    try (SSLSocket socket =
        (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", admin.port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
