package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;

/**
 * ECDSA over NIST P-256 with SHA-256 in the raw form TDX quotes use: keys as x || y and signatures
 * as r || s, 32 bytes each, big-endian. Stateless and thread-safe.
 */
final class P256 {
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSAinP1363Format";
  private static final ECParameterSpec PARAMS = params();
  private static final int COORDINATE_BYTES = 32;

  private P256() {}

  /**
   * Decodes a raw x || y public key, refusing coordinates outside the field and points not on the
   * curve.
   *
   * @throws AttestationException {@code ATTESTATION_MALFORMED} for anything but a P-256 point
   */
  static ECPublicKey publicKey(byte[] xy, String what) throws AttestationException {
    if (xy.length != 2 * COORDINATE_BYTES) {
      throw malformed(what + " is " + xy.length + " bytes, not 64");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(xy, 0, COORDINATE_BYTES));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(xy, COORDINATE_BYTES, xy.length));
    EllipticCurve curve = PARAMS.getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      throw malformed(what + " has a coordinate outside the P-256 field");
    }
    BigInteger lhs = y.multiply(y).mod(p);
    BigInteger rhs = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    if (!lhs.equals(rhs)) {
      throw malformed(what + " is not a point on P-256");
    }
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC")
              .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
    } catch (GeneralSecurityException e) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_MALFORMED, what + " is not a usable P-256 key", e);
    }
  }

  /** Whether {@code key} is an EC key on P-256 (a certificate's key, before it verifies). */
  static boolean isP256(PublicKey key) {
    return key instanceof ECPublicKey ec
        && ec.getParams().getCurve().equals(PARAMS.getCurve())
        && ec.getParams().getOrder().equals(PARAMS.getOrder());
  }

  /**
   * Verifies a raw r || s signature over {@code data}.
   *
   * @throws AttestationException {@code ATTESTATION_BAD_SIGNATURE} naming {@code what}
   */
  static void verify(PublicKey key, byte[] data, byte[] rs, String what)
      throws AttestationException {
    boolean ok;
    try {
      Signature sig = Signature.getInstance(SIGNATURE_ALGORITHM);
      sig.initVerify(key);
      sig.update(data);
      ok = sig.verify(rs);
    } catch (GeneralSecurityException e) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_BAD_SIGNATURE, what + " does not verify", e);
    }
    if (!ok) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_BAD_SIGNATURE, what + " does not verify");
    }
  }

  private static ECParameterSpec params() {
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec("secp256r1"));
      return ap.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no secp256r1", e);
    }
  }

  private static AttestationException malformed(String detail) {
    return new AttestationException(AttestationFailure.ATTESTATION_MALFORMED, detail);
  }
}
