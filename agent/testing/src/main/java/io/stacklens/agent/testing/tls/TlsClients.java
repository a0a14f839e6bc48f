package io.stacklens.agent.testing.tls;

import io.stacklens.agent.tls.PemFiles;
import io.stacklens.agent.tls.TlsStores;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/** Client-side TLS for tests: what a client that trusts a test CA (and has a certificate) uses. */
public final class TlsClients {
  private static final String ALIAS = "client";

  private TlsClients() {}

  /**
   * A context that trusts only the CA certificates in {@code caFile} and, when {@code identity} is
   * not null, presents it as its client certificate to any server that asks (whatever CAs the
   * server names: a test of a wrong-CA certificate needs it sent).
   */
  public static SSLContext context(Path caFile, TestCertificate identity) {
    try {
      TrustManager[] trust = TlsStores.trustManagers(PemFiles.certificates(caFile));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          identity == null ? null : new FixedKeyManager[] {new FixedKeyManager(identity)},
          trust,
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a client TLS context: " + e, e);
    }
  }

  /** Always answers with the one certificate it holds. */
  private static final class FixedKeyManager extends X509ExtendedKeyManager {
    private final TestCertificate identity;

    FixedKeyManager(TestCertificate identity) {
      this.identity = identity;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {identity.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return identity.privateKey();
    }
  }
}
