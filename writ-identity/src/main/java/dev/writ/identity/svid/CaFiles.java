package dev.writ.identity.svid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The CA's two files in its folder: {@value #KEY_FILE} (PKCS#8 PEM, mode 0600) and {@value
 * #CERT_FILE} (PEM). Each is created at most once, atomically (temporary file, fsync, hard link):
 * when several processes start on an empty folder at once, one key wins and every process uses it,
 * and one certificate for that key wins likewise. Stateless and thread-safe.
 */
final class CaFiles {
  static final String KEY_FILE = "ca-key.pem";
  static final String CERT_FILE = "ca-cert.pem";

  /** A P-256 key or CA certificate in PEM is under 1 KiB; anything much larger is not one. */
  private static final int MAX_FILE_BYTES = 16 * 1024;

  /** The loaded pair. */
  record Loaded(PrivateKey key, X509Certificate certificate) {
    @Override
    public String toString() {
      return "CaFiles.Loaded[" + certificate.getSubjectX500Principal() + "]";
    }
  }

  private CaFiles() {}

  static Loaded loadOrCreate(
      Path dir, TrustDomain trustDomain, Instant now, Duration validity, SecureRandom r)
      throws IOException {
    Path keyFile = dir.resolve(KEY_FILE);
    Path certFile = dir.resolve(CERT_FILE);
    if (!Files.exists(keyFile)) {
      AtomicFiles.createOnce(keyFile, newKeyPem(r), true);
    }
    PrivateKey key = loadKey(keyFile);
    PublicKey publicKey;
    try {
      publicKey = PrivateKeys.p256PublicKey((ECPrivateKey) key);
    } catch (GeneralSecurityException e) {
      throw new IOException(keyFile + " is not a P-256 key: " + e.getMessage(), e);
    }
    if (!Files.exists(certFile)) {
      X509Certificate cert;
      try {
        cert =
            CertificateMaker.ca(
                key, publicKey, trustDomain, now.minus(SpiffeCa.BACKDATE), now.plus(validity), r);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot make the CA certificate: " + e.getMessage(), e);
      }
      byte[] pem = Certificates.toPem(List.of(cert)).getBytes(StandardCharsets.US_ASCII);
      AtomicFiles.createOnce(certFile, pem, false);
    }
    X509Certificate cert = loadCertificate(certFile);
    checkCertificate(certFile, cert, publicKey, trustDomain, now);
    return new Loaded(key, cert);
  }

  private static byte[] newKeyPem(SecureRandom random) throws IOException {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), random);
      return PrivateKeys.toPem(gen.generateKeyPair().getPrivate())
          .getBytes(StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate a P-256 key: " + e.getMessage(), e);
    }
  }

  private static PrivateKey loadKey(Path file) throws IOException {
    byte[] pem = AtomicFiles.read(file, MAX_FILE_BYTES, true);
    try {
      List<Pem.Block> blocks = Pem.decode(pem, SvidFailure.KEY_MALFORMED, file.toString());
      if (blocks.size() != 1 || !blocks.getFirst().label().equals(Pem.PRIVATE_KEY)) {
        throw new IOException(file + " is not one PEM PRIVATE KEY block");
      }
      PrivateKey key = PrivateKeys.fromPkcs8(blocks.getFirst().der());
      if (!(key instanceof ECPrivateKey)) {
        throw new IOException(file + " is not an EC key");
      }
      return key;
    } catch (SvidException e) {
      throw new IOException(file + " is not a CA key: " + e.getMessage(), e);
    }
  }

  private static X509Certificate loadCertificate(Path file) throws IOException {
    byte[] pem = AtomicFiles.read(file, MAX_FILE_BYTES, false);
    try {
      List<Pem.Block> blocks = Pem.decode(pem, SvidFailure.SVID_MALFORMED, file.toString());
      List<X509Certificate> certs =
          Certificates.fromPemBlocks(blocks, SvidFailure.SVID_MALFORMED, file.toString());
      if (blocks.size() != 1 || certs.size() != 1) {
        throw new IOException(file + " is not one PEM CERTIFICATE block");
      }
      return certs.getFirst();
    } catch (SvidException e) {
      throw new IOException(file + " is not a CA certificate: " + e.getMessage(), e);
    }
  }

  private static void checkCertificate(
      Path file, X509Certificate cert, PublicKey key, TrustDomain td, Instant now)
      throws IOException {
    if (!cert.getPublicKey().equals(key)) {
      throw new IOException(file + " is not the certificate of " + KEY_FILE);
    }
    if (cert.getBasicConstraints() < 0 || cert.getKeyUsage() == null || !cert.getKeyUsage()[5]) {
      throw new IOException(file + " is not a CA certificate with keyCertSign");
    }
    List<String> uris = List.of();
    try {
      cert.verify(key);
      if (cert.getSubjectAlternativeNames() != null) {
        uris =
            cert.getSubjectAlternativeNames().stream()
                .filter(n -> Integer.valueOf(6).equals(n.get(0)))
                .map(n -> String.valueOf(n.get(1)))
                .toList();
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not self-signed by " + KEY_FILE, e);
    }
    if (!uris.equals(List.of(td.uri()))) {
      throw new IOException(file + " is the CA of " + uris + ", not of " + td.uri());
    }
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      throw new IOException(file + " expired at " + cert.getNotAfter().toInstant());
    }
  }
}
