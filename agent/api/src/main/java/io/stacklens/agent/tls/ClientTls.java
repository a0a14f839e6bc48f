package io.stacklens.agent.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of a client, built once at start from its {@link TlsClientSettings}: whom it trusts
 * ({@code ca_file}, else the JVM's CAs; nobody is checked with {@code insecure_skip_verify}), the
 * certificate it shows ({@code cert_file} / {@code key_file}) and the versions it offers. The JDK
 * pieces serve both the JDK's HTTP client ({@link #sslContext()}) and gRPC's Netty ({@link
 * #trustManager()}, {@link #keyManager()}).
 */
public final class ClientTls {
  private final TrustManager trust;
  private final KeyManager key;
  private final String[] protocols;
  private final String serverNameOverride;
  private final SSLContext context;

  private ClientTls(
      TrustManager trust, KeyManager key, String[] protocols, String serverNameOverride)
      throws GeneralSecurityException {
    this.trust = trust;
    this.key = key;
    this.protocols = protocols;
    this.serverNameOverride = serverNameOverride;
    this.context = SSLContext.getInstance("TLS");
    context.init(key == null ? null : new KeyManager[] {key}, new TrustManager[] {trust}, null);
  }

  /**
   * From validated {@code settings}; {@code where} is their config path, for messages.
   *
   * @throws IllegalArgumentException naming the file when one cannot be used
   */
  public static ClientTls create(TlsClientSettings settings, String where) {
    try {
      TrustManager trust =
          settings.insecureSkipVerify ? new TrustingEveryone() : trustManager(settings.caFile);
      KeyManager key = null;
      if (settings.certFile != null) {
        Path certFile = Path.of(settings.certFile);
        Path keyFile = Path.of(settings.keyFile);
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey privateKey = PemFiles.privateKey(keyFile);
        PemFiles.checkPair(chain.get(0), privateKey, certFile, keyFile);
        key = TlsStores.keyManagers(chain, privateKey)[0];
      }
      String[] protocols = TlsVersions.protocols(settings.minVersion);
      return new ClientTls(trust, key, protocols, settings.serverNameOverride);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          where + ": cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  private static TrustManager trustManager(String caFile) throws GeneralSecurityException {
    return TlsStores.trustManagers(caFile == null ? null : PemFiles.certificates(Path.of(caFile)))[
        0];
  }

  /** For the JDK's HTTP client. */
  public SSLContext sslContext() {
    return context;
  }

  /** Whom the client trusts. */
  public TrustManager trustManager() {
    return trust;
  }

  /** The client certificate it shows; null when it has none. */
  public KeyManager keyManager() {
    return key;
  }

  /** The TLS versions offered, newest first. */
  public String[] protocols() {
    return protocols.clone();
  }

  /** The name to check in the server's certificate instead of the endpoint's host; or null. */
  public String serverNameOverride() {
    return serverNameOverride == null || serverNameOverride.isEmpty() ? null : serverNameOverride;
  }

  /**
   * {@code insecure_skip_verify}: accepts every certificate. Being an {@link
   * X509ExtendedTrustManager}, it also stands in for the host name check, which the JDK makes only
   * around plain {@code X509TrustManager}s.
   */
  private static final class TrustingEveryone extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
