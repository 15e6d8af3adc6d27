package dev.writ.identity.svid;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.Objects;

/**
 * A node's signature over a work result document (docs/spec/work.md section 7) with its SVID key:
 * over {@code "writ-result-v1" || 0x00 || document}, with SHA-256 ECDSA for a P-256 key (a TPM one
 * included), Ed25519, or SHA-256 RSA PKCS#1 v1.5, as the SVID's key is. The prefix separates it
 * from every other signature the key makes (TLS handshakes, CSRs) and from a writ's DSSE
 * pre-authentication encoding, which begins {@code "DSSEv1 "}: a node key can sign results and
 * nothing that reads as a writ, and node keys are not operator keys in any case.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResultSignature {
  /** The domain separation prefix, without its 0x00 terminator. */
  public static final String DOMAIN = "writ-result-v1";

  private ResultSignature() {}

  /** Signs {@code document} with the key of {@code credentials}. */
  public static byte[] sign(SvidCredentials credentials, byte[] document)
      throws GeneralSecurityException {
    PrivateKey key = credentials.privateKey();
    Signature s = Signature.getInstance(algorithm(credentials.svid().publicKey()));
    s.initSign(key);
    s.update(message(document));
    return s.sign();
  }

  /** Whether {@code signature} is {@code svid}'s key's signature over {@code document}. */
  public static boolean verify(X509Svid svid, byte[] document, byte[] signature) {
    Objects.requireNonNull(signature, "signature");
    PublicKey key = svid.publicKey();
    try {
      Signature v = Signature.getInstance(algorithm(key));
      v.initVerify(key);
      v.update(message(document));
      return v.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a malformed signature is not a valid one
    }
  }

  private static byte[] message(byte[] document) {
    byte[] prefix = DOMAIN.getBytes(StandardCharsets.US_ASCII);
    byte[] m = new byte[prefix.length + 1 + document.length];
    System.arraycopy(prefix, 0, m, 0, prefix.length);
    System.arraycopy(document, 0, m, prefix.length + 1, document.length);
    return m;
  }

  /** The algorithm of the SVID's key kind (svid.md section 2.3: P-256, Ed25519 or RSA). */
  private static String algorithm(PublicKey publicKey) throws GeneralSecurityException {
    return switch (publicKey) {
      case ECKey k -> "SHA256withECDSA";
      case EdECKey k -> "Ed25519";
      case RSAKey k -> "SHA256withRSA";
      default ->
          throw new GeneralSecurityException(
              "an SVID key of kind " + publicKey.getAlgorithm() + " cannot sign results");
    };
  }
}
