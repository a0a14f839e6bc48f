package io.stacklens.agent.testing.tls;

import io.stacklens.agent.testing.tls.TestCertificate.KeyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A throwaway certificate authority for tests: a self-signed CA with an EC P-256 key, kept in
 * memory, that issues server and client certificates (valid, expired or not yet valid) as PEM files
 * in its directory. Only the JDK's own security providers are used; none is installed.
 *
 * <pre>{@code
 * TestCa ca = TestCa.create(tempDir, "test-ca");
 * TestCertificate server = ca.server("localhost", "localhost", "127.0.0.1");
 * // server.certFile(), server.keyFile(), ca.certFile()
 * }</pre>
 */
public final class TestCa {
  private static final SecureRandom RANDOM = new SecureRandom();
  // The CA's key is always EC P-256, so every certificate it signs is signed with ECDSA.
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private final Path dir;
  private final KeyPair keyPair;
  private final X509Certificate certificate;
  private final Path certFile;

  private TestCa(Path dir, KeyPair keyPair, X509Certificate certificate, Path certFile) {
    this.dir = dir;
    this.keyPair = keyPair;
    this.certificate = certificate;
    this.certFile = certFile;
  }

  /**
   * Makes a self-signed CA (basic constraints CA:true; key usage keyCertSign and cRLSign), valid
   * from a day ago for 30 days, and writes its certificate to {@code <dir>/<commonName>-ca.pem};
   * the directory is created if missing. Characters of the common name other than letters, digits,
   * {@code . _ -} become {@code _} in file names.
   */
  public static TestCa create(Path dir, String commonName) {
    Instant now = Instant.now();
    KeyPair keyPair = generate(KeyType.EC);
    X500Name name = name(commonName);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            serial(),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            name,
            keyPair.getPublic());
    X509Certificate certificate =
        sign(
            builder,
            keyPair,
            keyPair.getPublic(),
            new BasicConstraints(true),
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    Path certFile = dir.resolve(fileName(commonName) + "-ca.pem");
    TestCertificate.writeAtomically(
        certFile, TestCertificate.pem("CERTIFICATE", encoded(certificate)), false);
    return new TestCa(dir, keyPair, certificate, certFile);
  }

  /** The PEM file holding the CA's certificate, to trust. */
  public Path certFile() {
    return certFile;
  }

  /** The CA's certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * A server certificate (extended key usage serverAuth, EC key) valid from an hour ago for 30
   * days. Each subject alternative name that is an IPv4 or IPv6 literal (without brackets) becomes
   * an iPAddress name, any other a dNSName.
   */
  public TestCertificate server(String commonName, String... subjectAltNames) {
    return issueValidNow(commonName, true, subjectAltNames);
  }

  /** A client certificate (extended key usage clientAuth, EC key), valid as {@link #server}. */
  public TestCertificate client(String commonName) {
    return issueValidNow(commonName, false);
  }

  private TestCertificate issueValidNow(String commonName, boolean server, String... sans) {
    Instant now = Instant.now();
    Instant notAfter = now.plus(Duration.ofDays(30));
    return issue(commonName, server, KeyType.EC, now.minus(Duration.ofHours(1)), notAfter, sans);
  }

  /**
   * A certificate with an EC key and any validity, for expired and not-yet-valid certificates.
   *
   * @see #issue(String, boolean, KeyType, Instant, Instant, String...)
   */
  public TestCertificate issue(
      String commonName,
      boolean server,
      Instant notBefore,
      Instant notAfter,
      String... subjectAltNames) {
    return issue(commonName, server, KeyType.EC, notBefore, notAfter, subjectAltNames);
  }

  /**
   * A certificate with any key type and validity: extended key usage serverAuth if {@code server},
   * else clientAuth; key usage digitalSignature, and keyEncipherment for RSA; subject alternative
   * names as {@link #server}. Its files are {@code <commonName>.pem} and {@code <commonName>.key}
   * in the CA's directory, or {@code <commonName>-2.pem} and so on if these exist.
   *
   * @throws IllegalArgumentException if {@code notAfter} is not after {@code notBefore}
   */
  public TestCertificate issue(
      String commonName,
      boolean server,
      KeyType keyType,
      Instant notBefore,
      Instant notAfter,
      String... subjectAltNames) {
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException(
          "notAfter " + notAfter + " must be after notBefore " + notBefore);
    }
    KeyPair leaf = generate(keyType);
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            certificate,
            serial(),
            Date.from(notBefore),
            Date.from(notAfter),
            name(commonName),
            leaf.getPublic());
    int usage = KeyUsage.digitalSignature;
    if (keyType == KeyType.RSA) {
      usage |= KeyUsage.keyEncipherment;
    }
    try {
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
      if (subjectAltNames.length > 0) {
        GeneralName[] names =
            Arrays.stream(subjectAltNames)
                .map(
                    san ->
                        new GeneralName(
                            IPAddress.isValid(san) ? GeneralName.iPAddress : GeneralName.dNSName,
                            san))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    }
    X509Certificate cert =
        sign(builder, keyPair, leaf.getPublic(), new BasicConstraints(false), new KeyUsage(usage));
    Path[] files = files(fileName(commonName));
    TestCertificate issued = new TestCertificate(cert, leaf.getPrivate(), files[0], files[1]);
    issued.copyTo(files[0], files[1]);
    return issued;
  }

  /**
   * The first {@code <base>[-n].pem} and {@code <base>[-n].key} pair not yet in the directory,
   * claimed by creating the key file, so two certificates issued at once never share a name.
   */
  private Path[] files(String base) {
    for (int n = 1; ; n++) {
      String name = n == 1 ? base : base + "-" + n;
      Path cert = dir.resolve(name + ".pem");
      Path key = dir.resolve(name + ".key");
      if (Files.exists(cert)) {
        continue;
      }
      try {
        Files.createFile(key);
        return new Path[] {cert, key};
      } catch (FileAlreadyExistsException e) {
        // taken: try the next number
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + key, e);
      }
    }
  }

  /** Adds the key identifiers, basic constraints and key usage, and signs with the CA's key. */
  private static X509Certificate sign(
      X509v3CertificateBuilder builder,
      KeyPair issuer,
      PublicKey subjectKey,
      BasicConstraints constraints,
      KeyUsage usage) {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, constraints)
          .addExtension(Extension.keyUsage, true, usage)
          .addExtension(
              Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              utils.createAuthorityKeyIdentifier(issuer.getPublic()));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuer.getPrivate())));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyPair generate(KeyType type) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(type.name());
      if (type == KeyType.EC) {
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      } else {
        generator.initialize(2048, RANDOM);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + type + " key", e);
    }
  }

  private static X500Name name(String commonName) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("commonName must not be blank");
    }
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static String fileName(String commonName) {
    return commonName.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** A random positive serial number of at most 64 bits. */
  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
