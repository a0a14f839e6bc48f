package io.stacklens.agent.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK's key and trust managers from certificates and keys read by {@link PemFiles}, in memory
 * (no keystore file): what servers and clients alike hand to an {@code SSLContext}.
 */
public final class TlsStores {
  private static final char[] NO_PASSWORD = new char[0];

  private TlsStores() {}

  /** Key managers that present {@code chain} (leaf first), signing with {@code key}. */
  public static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key)
      throws GeneralSecurityException {
    KeyStore identity = emptyStore();
    identity.setKeyEntry("identity", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(identity, NO_PASSWORD);
    return keys.getKeyManagers();
  }

  /**
   * PKIX trust managers that accept certificates chaining to one of {@code cas}; with null, to the
   * JVM's own CAs.
   */
  public static TrustManager[] trustManagers(List<X509Certificate> cas)
      throws GeneralSecurityException {
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    if (cas == null) {
      trust.init((KeyStore) null);
    } else {
      KeyStore store = emptyStore();
      for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca-" + i, cas.get(i));
      trust.init(store);
    }
    return trust.getTrustManagers();
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot create an in-memory key store: " + e, e);
    }
    return store;
  }
}
