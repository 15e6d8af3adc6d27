package dev.writ.sign;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC_EDWARDS;

import dev.writ.core.PublicKeyVerifier;
import dev.writ.core.SignatureAlgorithm;
import dev.writ.core.WritBugException;
import dev.writ.core.WritDeniedException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * The two key types a token can hold for Writ, as PKCS#11 sees them ({@code CKA_KEY_TYPE} and
 * {@code CKA_EC_PARAMS}), and the canonical SubjectPublicKeyInfo built from a token's public point.
 */
final class Pkcs11PublicKeys {
  /** id-Ed25519, RFC 8410 section 3. */
  private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  /** P-256 point, uncompressed: 0x04 || x || y (SEC 1 section 2.3.3). */
  static final int P256_POINT_BYTES = 65;

  /** RFC 8032 section 5.1.5. */
  static final int ED25519_KEY_BYTES = 32;

  /** {@code CKA_EC_PARAMS} for P-256: the DER OID secp256r1 (RFC 5480). */
  static final byte[] P256_PARAMS = der(SECObjectIdentifiers.secp256r1);

  /** {@code CKA_EC_PARAMS} for Ed25519: the DER OID id-Ed25519 (RFC 8410, PKCS#11 3.0). */
  static final byte[] ED25519_PARAMS = der(ID_ED25519);

  private Pkcs11PublicKeys() {}

  /** The Writ algorithm of a token key, if it is one Writ can use. */
  static Optional<SignatureAlgorithm> algorithmOf(long keyType, byte[] ecParams) {
    if (ecParams == null) {
      return Optional.empty();
    }
    if (keyType == CKK_EC && Arrays.equals(ecParams, P256_PARAMS)) {
      return Optional.of(SignatureAlgorithm.ECDSA_P256_SHA256);
    }
    if (keyType == CKK_EC_EDWARDS && Arrays.equals(ecParams, ED25519_PARAMS)) {
      return Optional.of(SignatureAlgorithm.ED25519);
    }
    return Optional.empty();
  }

  /**
   * The canonical DER SubjectPublicKeyInfo of a token public key, from its {@code CKA_EC_POINT} as
   * the wrapper returns it (the point itself, unwrapped from its DER OCTET STRING). Checked by
   * {@link PublicKeyVerifier#decode}, so the key id is the one a trust root lists.
   */
  static byte[] spki(SignatureAlgorithm algorithm, byte[] point) throws SigningException {
    if (point == null) {
      throw new SigningException("the token's public key object has no CKA_EC_POINT");
    }
    byte[] spki =
        switch (algorithm) {
          case ED25519 -> {
            if (point.length != ED25519_KEY_BYTES) {
              throw new SigningException(
                  "the token returned a " + point.length + "-byte Ed25519 public key");
            }
            yield encode(new AlgorithmIdentifier(ID_ED25519), point);
          }
          case ECDSA_P256_SHA256 -> {
            if (point.length != P256_POINT_BYTES || point[0] != 0x04) {
              throw new SigningException(
                  "the token's P-256 public key is not an uncompressed 65-byte point");
            }
            try {
              // throws if the point is not on the curve
              CustomNamedCurves.getByName("secp256r1").getCurve().decodePoint(point);
            } catch (IllegalArgumentException e) {
              throw new SigningException("the token's P-256 public key is not on the curve", e);
            }
            yield encode(
                new AlgorithmIdentifier(
                    X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1),
                point);
          }
          case ML_DSA_65 -> throw new SigningException("no ml-dsa-65 keys in PKCS#11 tokens");
        };
    try {
      PublicKeyVerifier.decode(algorithm, spki);
    } catch (WritDeniedException e) {
      throw new SigningException("the token's public key is not a valid " + algorithm.wire(), e);
    }
    return spki;
  }

  private static byte[] encode(AlgorithmIdentifier algorithm, byte[] key) throws SigningException {
    try {
      return new SubjectPublicKeyInfo(algorithm, key).getEncoded("DER");
    } catch (IOException e) {
      throw new SigningException("cannot encode the token's public key", e);
    }
  }

  private static byte[] der(ASN1ObjectIdentifier oid) {
    try {
      return oid.getEncoded("DER");
    } catch (IOException e) {
      throw new WritBugException("cannot DER-encode a constant OID", e);
    }
  }
}
