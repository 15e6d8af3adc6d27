package dev.writ.core;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A decoded public key ready to verify signatures. Decoding happens once, when a trust root is
 * read, so the hot path does no ASN.1 or point decompression (DESIGN.md section 10). Ed25519 runs
 * on BouncyCastle; ECDSA P-256 and ML-DSA-65 on the JDK's providers.
 *
 * <p>Thread-safe: holds only immutable decoded keys; JDK {@link Signature} objects are created per
 * call.
 */
public abstract sealed class PublicKeyVerifier
    permits PublicKeyVerifier.Ed25519Key, PublicKeyVerifier.JdkKey {

  /** Signature sizes fixed by each algorithm's specification. */
  static final int ED25519_SIG_BYTES = 64;

  static final int P1363_P256_SIG_BYTES = 64;
  static final int ML_DSA_65_SIG_BYTES = 3309;

  /** RFC 8410 section 3. */
  private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  private static final org.bouncycastle.asn1.x9.X9ECParameters P256 =
      org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1");

  private static final ASN1ObjectIdentifier ID_ML_DSA_65 = NISTObjectIdentifiers.id_ml_dsa_65;

  private final KeyId keyId;
  private final byte[] spki;

  private PublicKeyVerifier(byte[] spki) {
    this.spki = spki.clone();
    this.keyId = KeyId.ofSpki(spki);
  }

  public final KeyId keyId() {
    return keyId;
  }

  public final byte[] spki() {
    return spki.clone();
  }

  public abstract SignatureAlgorithm algorithm();

  /**
   * Whether {@code signature} is a valid signature by this key over {@code message}. Any malformed
   * signature is simply invalid; this never throws for bad input.
   */
  public abstract boolean verify(byte[] message, byte[] signature);

  /**
   * Decodes a DER SubjectPublicKeyInfo of the given algorithm. The DER must be exactly the
   * canonical encoding (so one key has one key id).
   *
   * @throws WritDeniedException {@code MALFORMED} when the bytes are not such a key
   */
  public static PublicKeyVerifier decode(SignatureAlgorithm algorithm, byte[] spki)
      throws WritDeniedException {
    if (spki.length == 0) {
      // BouncyCastle reads no object from empty input and then fails with a NullPointerException
      throw new WritDeniedException(Reason.MALFORMED, "public key is empty");
    }
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(spki);
      if (info == null || !Arrays.equals(info.getEncoded("DER"), spki)) {
        throw new WritDeniedException(Reason.MALFORMED, "public key is not canonical DER");
      }
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw new WritDeniedException(Reason.MALFORMED, "public key is not DER SPKI", e);
    }
    ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
    return switch (algorithm) {
      case ED25519 -> {
        require(oid.equals(ID_ED25519), algorithm);
        require(info.getAlgorithm().getParameters() == null, algorithm);
        byte[] raw = info.getPublicKeyData().getOctets();
        require(raw.length == Ed25519PublicKeyParameters.KEY_SIZE, algorithm);
        Ed25519PublicKeyParameters params;
        try {
          params = new Ed25519PublicKeyParameters(raw);
        } catch (IllegalArgumentException e) {
          throw new WritDeniedException(Reason.MALFORMED, "invalid Ed25519 public key", e);
        }
        yield new Ed25519Key(spki, params);
      }
      case ECDSA_P256_SHA256 -> {
        require(oid.equals(X9ObjectIdentifiers.id_ecPublicKey), algorithm);
        require(
            SECObjectIdentifiers.secp256r1.equals(info.getAlgorithm().getParameters()), algorithm);
        requireP256Point(info.getPublicKeyData().getOctets());
        yield new EcdsaKey(spki, jdkKey("EC", "SHA256withECDSAinP1363Format", spki));
      }
      case ML_DSA_65 -> {
        require(oid.equals(ID_ML_DSA_65), algorithm);
        yield new MlDsaKey(spki, jdkKey("ML-DSA", "ML-DSA-65", spki));
      }
    };
  }

  /**
   * Decodes a SubjectPublicKeyInfo of whichever supported algorithm it is.
   *
   * @throws WritDeniedException {@code MALFORMED} when it is none of them
   */
  public static PublicKeyVerifier decodeAny(byte[] spki) throws WritDeniedException {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      try {
        return decode(algorithm, spki);
      } catch (WritDeniedException e) {
        // try the next algorithm
      }
    }
    throw new WritDeniedException(
        Reason.MALFORMED, "public key is not ed25519, ecdsa-p256-sha256 or ml-dsa-65");
  }

  /**
   * The point must be uncompressed (SEC 1 section 2.3.3: 0x04 || X || Y; one encoding per key, so
   * one key id per key) and on the curve (the JDK's KeyFactory does not check this; other
   * implementations refuse such keys, and two verifiers must agree on which roots are valid).
   */
  private static void requireP256Point(byte[] point) throws WritDeniedException {
    if (point.length != 65 || point[0] != 0x04) {
      throw new WritDeniedException(
          Reason.MALFORMED, "ECDSA P-256 public key must be an uncompressed point");
    }
    try {
      if (!P256.getCurve().decodePoint(point).isValid()) {
        throw new WritDeniedException(Reason.MALFORMED, "ECDSA P-256 point is not on the curve");
      }
    } catch (IllegalArgumentException e) {
      throw new WritDeniedException(Reason.MALFORMED, "ECDSA P-256 point is not on the curve", e);
    }
  }

  private static void require(boolean ok, SignatureAlgorithm algorithm) throws WritDeniedException {
    if (!ok) {
      throw new WritDeniedException(
          Reason.MALFORMED, "public key is not an " + algorithm.wire() + " key");
    }
  }

  private static PublicKey jdkKey(String family, String signatureAlgorithm, byte[] spki)
      throws WritDeniedException {
    try {
      PublicKey key = KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(spki));
      // The KeyFactory accepts some keys its Signature refuses (an ML-DSA-65 key one byte short
      // or long, Wycheproof tcId 69/70/158/159): refuse them here, not at every verify.
      Signature.getInstance(signatureAlgorithm).initVerify(key);
      return key;
    } catch (GeneralSecurityException e) {
      throw new WritDeniedException(Reason.MALFORMED, "invalid " + family + " public key", e);
    }
  }

  static final class Ed25519Key extends PublicKeyVerifier {
    private final Ed25519PublicKeyParameters params;

    Ed25519Key(byte[] spki, Ed25519PublicKeyParameters params) {
      super(spki);
      this.params = params;
    }

    @Override
    public SignatureAlgorithm algorithm() {
      return SignatureAlgorithm.ED25519;
    }

    @Override
    public boolean verify(byte[] message, byte[] signature) {
      if (signature.length != ED25519_SIG_BYTES) {
        return false;
      }
      return params.verify(
          Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    }
  }

  abstract static sealed class JdkKey extends PublicKeyVerifier permits EcdsaKey, MlDsaKey {
    private final PublicKey key;

    JdkKey(byte[] spki, PublicKey key) {
      super(spki);
      this.key = key;
    }

    abstract String jdkAlgorithm();

    abstract int signatureBytes();

    @Override
    public boolean verify(byte[] message, byte[] signature) {
      if (signature.length != signatureBytes()) {
        return false;
      }
      try {
        Signature s = Signature.getInstance(jdkAlgorithm());
        s.initVerify(key);
        s.update(message);
        return s.verify(signature);
      } catch (java.security.SignatureException e) {
        // the provider's way of saying "not a valid signature encoding"
        return false;
      } catch (GeneralSecurityException e) {
        throw new WritBugException(jdkAlgorithm() + " is required of the JDK", e);
      }
    }
  }

  static final class EcdsaKey extends JdkKey {
    EcdsaKey(byte[] spki, PublicKey key) {
      super(spki, key);
    }

    @Override
    public SignatureAlgorithm algorithm() {
      return SignatureAlgorithm.ECDSA_P256_SHA256;
    }

    @Override
    String jdkAlgorithm() {
      return "SHA256withECDSAinP1363Format";
    }

    @Override
    int signatureBytes() {
      return P1363_P256_SIG_BYTES;
    }
  }

  static final class MlDsaKey extends JdkKey {
    MlDsaKey(byte[] spki, PublicKey key) {
      super(spki, key);
    }

    @Override
    public SignatureAlgorithm algorithm() {
      return SignatureAlgorithm.ML_DSA_65;
    }

    @Override
    String jdkAlgorithm() {
      return "ML-DSA-65";
    }

    @Override
    int signatureBytes() {
      return ML_DSA_65_SIG_BYTES;
    }
  }
}
