package io.stacklens.agent.testing.tls;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A certificate signed by a {@link TestCa}, with its private key, written as PEM files: {@link
 * #certFile()} holds only this certificate (the CA's is {@link TestCa#certFile()}), {@link
 * #keyFile()} the unencrypted PKCS#8 key. Key files are readable by the owner only where the file
 * system has POSIX permissions (PostgreSQL, for one, refuses others).
 */
public final class TestCertificate {
  /** The key algorithm of a certificate {@link TestCa} issues. */
  public enum KeyType {
    /** EC on the P-256 curve (secp256r1). */
    EC,
    /** RSA, 2048 bits. */
    RSA
  }

  /** The PEM formats a private key can be written in. */
  public enum KeyFormat {
    /** PKCS#8, {@code -----BEGIN PRIVATE KEY-----}: any key type. */
    PKCS8,
    /** PKCS#1, {@code -----BEGIN RSA PRIVATE KEY-----}: RSA keys only. */
    PKCS1_RSA,
    /**
     * SEC 1, {@code -----BEGIN EC PRIVATE KEY-----}, with the curve and public key: EC keys only.
     */
    SEC1_EC
  }

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Path certFile;
  private final Path keyFile;

  TestCertificate(X509Certificate certificate, PrivateKey privateKey, Path certFile, Path keyFile) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.certFile = certFile;
    this.keyFile = keyFile;
  }

  /** The PEM file holding this certificate alone. */
  public Path certFile() {
    return certFile;
  }

  /** The PEM file holding the private key, PKCS#8 ({@code BEGIN PRIVATE KEY}), unencrypted. */
  public Path keyFile() {
    return keyFile;
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The private key of the certificate. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /**
   * Writes the private key to {@code file} in {@code format}, replacing the file, and returns the
   * file.
   *
   * @throws IllegalArgumentException if the format does not fit the key ({@link
   *     KeyFormat#PKCS1_RSA} of an EC key, {@link KeyFormat#SEC1_EC} of an RSA key)
   */
  public Path writeKey(Path file, KeyFormat format) {
    writeAtomically(file, keyPem(format), true);
    return file;
  }

  /**
   * Writes the certificate and its PKCS#8 key to other files, for certificate-reload tests: each
   * file is written to a temporary file beside it and moved over it atomically, the key first, so a
   * reader never sees half a file, and the certificate changes only when its key is in place.
   */
  public void copyTo(Path certFile, Path keyFile) {
    writeAtomically(keyFile, keyPem(KeyFormat.PKCS8), true);
    try {
      writeAtomically(certFile, pem("CERTIFICATE", certificate.getEncoded()), false);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
    }
  }

  private String keyPem(KeyFormat format) {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(privateKey.getEncoded());
    try {
      return switch (format) {
        case PKCS8 -> pem("PRIVATE KEY", info.getEncoded());
        case PKCS1_RSA -> {
          requireKey(RSAPrivateKey.class, format);
          yield pem("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
        }
        case SEC1_EC -> {
          // The JDK's PKCS#8 leaves the curve and the public key out of the inner structure:
          // readers of SEC 1 files (OpenSSL, Go) want both.
          ECPrivateKey ec = requireKey(ECPrivateKey.class, format);
          ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
          SubjectPublicKeyInfo pub =
              SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
          int orderBits = ec.getParams().getOrder().bitLength();
          yield pem(
              "EC PRIVATE KEY",
              new org.bouncycastle.asn1.sec.ECPrivateKey(
                      orderBits, ec.getS(), pub.getPublicKeyData(), curve)
                  .getEncoded());
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the key of " + subject(), e);
    }
  }

  private <K> K requireKey(Class<K> type, KeyFormat format) {
    if (!type.isInstance(privateKey)) {
      throw new IllegalArgumentException(
          format + " cannot hold the " + privateKey.getAlgorithm() + " key of " + subject());
    }
    return type.cast(privateKey);
  }

  private String subject() {
    return certificate.getSubjectX500Principal().getName();
  }

  static String pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /**
   * Writes {@code content} to a temporary file in the target's directory and moves it over the
   * target atomically; a {@code secret} file is readable by its owner only, others by everyone.
   */
  static void writeAtomically(Path target, String content, boolean secret) {
    Path dir = target.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try {
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
          Files.setPosixFilePermissions(
              tmp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
        }
        Files.writeString(tmp, content, UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
