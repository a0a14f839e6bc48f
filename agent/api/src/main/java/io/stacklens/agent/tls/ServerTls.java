package io.stacklens.agent.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The TLS side of one server, built from its {@link TlsServerSettings}: hands each new connection a
 * server-mode {@link SSLEngine} (the JDK's, which both Netty copies in the agent wrap in their
 * {@code SslHandler}), requiring a client certificate when {@code client_ca_file} is set.
 *
 * <p><b>Reload</b>: at most once per {@code reload_interval}, when a connection arrives, the files
 * are read again; when their bytes changed, a new {@link SSLContext} is built from them and serves
 * the connections that follow, while those already open keep theirs. A new set that cannot be used
 * (a half-written file, a key of another certificate) is logged and the previous one stays.
 * Checking on arrival rather than on a timer needs no thread, and a server nobody connects to has
 * nothing to serve.
 *
 * <p>Thread-safe: engines are made on any event loop; one of them at a time does a reload.
 */
public final class ServerTls {
  private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());

  private final String where;
  private final Path certFile;
  private final Path keyFile;
  private final Path clientCaFile;
  private final String[] protocols;
  private final String[] applicationProtocols;
  private final long reloadNanos;
  private final AtomicBoolean reloading = new AtomicBoolean();
  private volatile Loaded loaded;
  private volatile long nextCheck;

  /** The files' bytes and the context built from them. */
  private record Loaded(byte[][] files, SSLContext context, X509Certificate leaf) {}

  private ServerTls(TlsServerSettings settings, String where, List<String> applicationProtocols) {
    this.where = where;
    this.certFile = Path.of(settings.certFile);
    this.keyFile = Path.of(settings.keyFile);
    this.clientCaFile = settings.clientCaFile == null ? null : Path.of(settings.clientCaFile);
    this.protocols = TlsVersions.protocols(settings.minVersion);
    this.applicationProtocols = applicationProtocols.toArray(new String[0]);
    this.reloadNanos = settings.reloadInterval.toNanos();
  }

  /**
   * Reads the files of validated {@code settings} and builds the first context; {@code where} is
   * the settings' config path for messages ({@code receivers.otlp.protocols.grpc.tls}), {@code
   * applicationProtocols} what ALPN offers ({@code h2} for gRPC, {@code http/1.1} for HTTP).
   *
   * @throws IllegalArgumentException naming the file when one cannot be used
   */
  public static ServerTls create(
      TlsServerSettings settings, String where, List<String> applicationProtocols) {
    ServerTls tls = new ServerTls(settings, where, applicationProtocols);
    byte[][] files = tls.readFiles();
    try {
      tls.loaded = tls.load(files);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    tls.nextCheck = System.nanoTime() + tls.reloadNanos;
    return tls;
  }

  /**
   * The TLS of an HTTP/1.1 server (ALPN {@code http/1.1}) from optional {@code settings}: null when
   * there are none (plaintext). {@code where} as for {@link #create}.
   */
  public static ServerTls forHttp(TlsServerSettings settings, String where) {
    return settings == null ? null : create(settings, where, List.of("http/1.1"));
  }

  /** The TLS of a gRPC server (ALPN {@code h2}), or null for plaintext; as {@link #forHttp}. */
  public static ServerTls forGrpc(TlsServerSettings settings, String where) {
    return settings == null ? null : create(settings, where, List.of("h2"));
  }

  /** True when clients must present a certificate ({@code client_ca_file}). */
  public boolean requiresClientCertificate() {
    return clientCaFile != null;
  }

  /** The certificate served now (after the latest reload). */
  public X509Certificate certificate() {
    return loaded.leaf;
  }

  /** A server-mode engine for one new connection, from the current (reloaded if due) files. */
  public SSLEngine newEngine() {
    if (reloadNanos > 0 && System.nanoTime() - nextCheck >= 0) reloadIfChanged();
    SSLEngine engine = loaded.context.createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(protocols);
    parameters.setNeedClientAuth(clientCaFile != null);
    if (applicationProtocols.length > 0) parameters.setApplicationProtocols(applicationProtocols);
    engine.setSSLParameters(parameters);
    return engine;
  }

  /**
   * Reads the files now and switches to them when they changed; returns true when it switched.
   * Normally called by {@link #newEngine} once per {@code reload_interval}.
   */
  public boolean reloadIfChanged() {
    if (!reloading.compareAndSet(false, true)) return false;
    try {
      nextCheck = System.nanoTime() + reloadNanos;
      byte[][] files;
      try {
        files = readFiles();
      } catch (IllegalArgumentException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            where + ": cannot reload: " + e.getMessage() + "; still serving the previous files");
        return false;
      }
      if (Arrays.deepEquals(files, loaded.files)) return false;
      try {
        loaded = load(files);
      } catch (IllegalArgumentException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            where
                + ": the changed files cannot be used: "
                + e.getMessage()
                + "; still serving the previous ones");
        return false;
      }
      LOG.log(
          System.Logger.Level.INFO,
          where
              + ": reloaded '"
              + certFile
              + "': now serving "
              + loaded.leaf.getSubjectX500Principal().getName()
              + ", valid until "
              + loaded.leaf.getNotAfter().toInstant());
      return true;
    } finally {
      reloading.set(false);
    }
  }

  private byte[][] readFiles() {
    List<Path> paths = new ArrayList<>(List.of(certFile, keyFile));
    if (clientCaFile != null) paths.add(clientCaFile);
    byte[][] bytes = new byte[paths.size()][];
    for (int i = 0; i < bytes.length; i++) {
      try {
        bytes[i] = Files.readAllBytes(paths.get(i));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("cannot read '" + paths.get(i) + "': " + e, e);
      }
    }
    return bytes;
  }

  /**
   * Builds a context from the files' bytes as read (parsed from the same bytes that are compared,
   * so a file replaced between the two cannot slip through unnoticed).
   */
  private Loaded load(byte[][] files) {
    List<X509Certificate> chain = PemFiles.certificates(certFile, files[0]);
    PrivateKey key = PemFiles.privateKey(keyFile, files[1]);
    PemFiles.checkPair(chain.get(0), key, certFile, keyFile);
    try {
      TrustManager[] trust =
          clientCaFile == null
              ? null
              : TlsStores.trustManagers(PemFiles.certificates(clientCaFile, files[2]));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(TlsStores.keyManagers(chain, key), trust, null);
      return new Loaded(files, context, chain.get(0));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }
}
