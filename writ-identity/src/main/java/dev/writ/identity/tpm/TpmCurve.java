package dev.writ.identity.tpm;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.EllipticCurve;
import java.util.Optional;

/** The ECC curves Writ accepts for a TPM key (TPM_ECC_CURVE, TCG Algorithm Registry). */
enum TpmCurve {
  P256(0x0003, "secp256r1", 32),
  P384(0x0004, "secp384r1", 48),
  P521(0x0005, "secp521r1", 66);

  private final int id;
  private final String jcaName;
  private final int size;

  TpmCurve(int id, String jcaName, int size) {
    this.id = id;
    this.jcaName = jcaName;
    this.size = size;
  }

  int id() {
    return id;
  }

  /** Bytes in a coordinate (and in r or s of a signature). */
  int size() {
    return size;
  }

  static Optional<TpmCurve> fromId(int id) {
    for (TpmCurve c : values()) {
      if (c.id == id) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  ECParameterSpec parameters() {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(jcaName));
      return p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks curve " + jcaName, e);
    }
  }

  /** Whether (x, y) is a point of this curve (both coordinates reduced, the equation holds). */
  boolean contains(BigInteger x, BigInteger y) {
    EllipticCurve curve = parameters().getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    return left.equals(right);
  }
}
