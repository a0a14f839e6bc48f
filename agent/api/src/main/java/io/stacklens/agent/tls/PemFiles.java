package io.stacklens.agent.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of {@code tls} settings: certificates ({@code -----BEGIN CERTIFICATE-----},
 * one or more) and an unencrypted private key in any of the three forms tools write: PKCS#8 ({@code
 * BEGIN PRIVATE KEY}: openssl 3, most tools), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}: cert-manager's
 * default, older openssl) and SEC1 ({@code BEGIN EC PRIVATE KEY}: {@code openssl ecparam -genkey}).
 * The JDK reads only PKCS#8, so the other two are wrapped into it (RFC 5208: version, algorithm
 * identifier, the key as an octet string).
 *
 * <p>Every failure is an {@link IllegalArgumentException} whose message names the file and says
 * what is wrong in words (never a parser's stack trace).
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final byte[] RSA_ALGORITHM = {
    // SEQUENCE { OID 1.2.840.113549.1.1.1 (rsaEncryption), NULL }
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };
  private static final byte[] EC_PUBLIC_KEY_OID = {
    // OID 1.2.840.10045.2.1 (id-ecPublicKey)
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private PemFiles() {}

  /** The certificates in {@code file}, in file order (a leaf first, then its chain). */
  public static List<X509Certificate> certificates(Path file) {
    return certificates(file, read(file));
  }

  /** The certificates in {@code bytes}, read from {@code file} (named in messages). */
  static List<X509Certificate> certificates(Path file, byte[] bytes) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks(bytes)) {
        if (!block.type.equals("CERTIFICATE")) continue;
        certs.add(
            (X509Certificate)
                factory.generateCertificate(new ByteArrayInputStream(block.der(file))));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "'" + file + "' holds a certificate that cannot be read: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(
          "'" + file + "' holds no certificate (expected -----BEGIN CERTIFICATE----- in PEM)");
    }
    return certs;
  }

  /** The private key in {@code file}: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted. */
  public static PrivateKey privateKey(Path file) {
    return privateKey(file, read(file));
  }

  /** The private key in {@code bytes}, read from {@code file} (named in messages). */
  static PrivateKey privateKey(Path file, byte[] bytes) {
    for (Block block : blocks(bytes)) {
      switch (block.type) {
        case "PRIVATE KEY":
          return pkcs8(file, block.der(file));
        case "RSA PRIVATE KEY":
          return pkcs8(file, wrap(RSA_ALGORITHM, block.der(file)));
        case "EC PRIVATE KEY":
          byte[] sec1 = block.der(file);
          return pkcs8(file, wrap(ecAlgorithm(file, sec1), sec1));
        case "ENCRYPTED PRIVATE KEY":
          throw encrypted(file);
        default:
          // certificates or parameters beside the key: skip
      }
    }
    throw new IllegalArgumentException(
        "'"
            + file
            + "' holds no private key (expected -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or"
            + " EC PRIVATE KEY in PEM)");
  }

  private static IllegalArgumentException encrypted(Path file) {
    return new IllegalArgumentException(
        "'"
            + file
            + "' holds an encrypted private key; give the agent an unencrypted one (openssl"
            + " pkey -in key.pem -out key-plain.pem) and protect the file's permissions");
  }

  /**
   * Checks that {@code key} belongs to {@code certificate} by signing with one and verifying with
   * the other; throws naming both files when it does not.
   */
  public static void checkPair(
      X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
    PublicKey publicKey = certificate.getPublicKey();
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
      throw mismatch(certFile, keyFile, publicKey.getAlgorithm() + " vs " + key.getAlgorithm());
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA sign by their own name
        };
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (!verifier.verify(signature)) throw mismatch(certFile, keyFile, "different key pairs");
    } catch (GeneralSecurityException e) {
      throw mismatch(certFile, keyFile, e.getMessage());
    }
  }

  private static IllegalArgumentException mismatch(Path certFile, Path keyFile, String why) {
    return new IllegalArgumentException(
        "the key in '"
            + keyFile
            + "' does not belong to the certificate in '"
            + certFile
            + "' ("
            + why
            + ")");
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("'" + file + "' does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read '" + file + "': " + e, e);
    }
  }

  private record Block(String type, String base64) {
    byte[] der(Path file) {
      if (base64.contains("Proc-Type:") && base64.contains("ENCRYPTED")) {
        throw encrypted(file);
      }
      try {
        return Base64.getMimeDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'" + file + "': the " + type + " block is not valid base64: " + e.getMessage(), e);
      }
    }
  }

  private static List<Block> blocks(byte[] bytes) {
    Matcher m = BLOCK.matcher(new String(bytes, StandardCharsets.US_ASCII));
    List<Block> blocks = new ArrayList<>();
    while (m.find()) blocks.add(new Block(m.group(1), m.group(2)));
    return blocks;
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(
        "'" + file + "' holds a private key that is not RSA, EC or EdDSA, or is damaged");
  }

  /** PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(key.length + 32);
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.writeBytes(tlv(0x04, key));
    return tlv(0x30, body.toByteArray());
  }

  /**
   * The PKCS#8 algorithm identifier of a SEC1 key: {@code SEQUENCE { id-ecPublicKey, curve }}, the
   * curve taken from the key's {@code [0] parameters} (RFC 5915: ECPrivateKey ::= SEQUENCE {
   * version, privateKey OCTET STRING, [0] parameters, [1] publicKey }).
   */
  private static byte[] ecAlgorithm(Path file, byte[] sec1) {
    try {
      Der sequence = Der.read(sec1, 0);
      int at = sequence.contentStart;
      Der version = Der.read(sec1, at);
      Der privateKey = Der.read(sec1, version.end);
      for (at = privateKey.end; at < sequence.end; ) {
        Der field = Der.read(sec1, at); // always ends after it starts: the loop moves forward
        if (field.tag == 0xa0) {
          byte[] curve = java.util.Arrays.copyOfRange(sec1, field.contentStart, field.end);
          ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
          algorithm.writeBytes(EC_PUBLIC_KEY_OID);
          algorithm.writeBytes(curve);
          return tlv(0x30, algorithm.toByteArray());
        }
        at = field.end;
      }
    } catch (IndexOutOfBoundsException e) {
      // damaged (truncated, a length past the end): reported below
    }
    throw new IllegalArgumentException(
        "'"
            + file
            + "': the EC PRIVATE KEY does not name its curve (or is damaged); convert it with"
            + " openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
  }

  /** One DER element: its tag, where its content starts and where it ends. */
  private record Der(int tag, int contentStart, int end) {
    /**
     * The element at {@code at}; {@link IndexOutOfBoundsException} when it is damaged: a length in
     * more than 3 octets (no key is 16 MiB), the indefinite form, or past the end of {@code der}.
     */
    static Der read(byte[] der, int at) {
      int tag = der[at] & 0xff;
      long length = der[at + 1] & 0xff;
      int start = at + 2;
      if (length >= 0x80) {
        int octets = (int) length - 0x80;
        if (octets < 1 || octets > 3) throw new IndexOutOfBoundsException("bad length");
        length = 0;
        for (int i = 0; i < octets; i++) length = (length << 8) | (der[start + i] & 0xff);
        start += octets;
      }
      if (start + length > der.length) throw new IndexOutOfBoundsException("truncated");
      return new Der(tag, start, (int) (start + length));
    }
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
