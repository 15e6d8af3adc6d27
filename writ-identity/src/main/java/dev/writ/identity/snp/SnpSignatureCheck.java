package dev.writ.identity.snp;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/**
 * The report's signature step: an EC P-384 signing key, and an ECDSA P-384/SHA-384 signature over
 * bytes 0x000 to 0x29F. R and S are 72-byte little-endian fields whose top 24 bytes must be zero;
 * they are turned into the IEEE P1363 form (48-byte big-endian R then S). Stateless and
 * thread-safe.
 */
final class SnpSignatureCheck {
  /** Bytes of a P-384 scalar. */
  private static final int SCALAR = 48;

  private static final ECParameterSpec P384 = p384();

  private SnpSignatureCheck() {}

  static void verify(SnpReport report, X509Certificate signingKey) throws AttestationException {
    if (report.chipKeyMasked() || report.signingKey() == SnpSigningKey.NONE) {
      throw bad("the report is not signed (chip key masked or SIGNING_KEY none)", null);
    }
    if (!(signingKey.getPublicKey() instanceof ECPublicKey key) || !isP384(key.getParams())) {
      throw bad("the signing key certificate does not hold an EC P-384 key", null);
    }
    byte[] p1363 = new byte[2 * SCALAR];
    toBigEndian(report.signatureR(), p1363, 0);
    toBigEndian(report.signatureS(), p1363, SCALAR);
    boolean valid;
    try {
      Signature verifier = Signature.getInstance("SHA384withECDSAinP1363Format");
      verifier.initVerify(key);
      verifier.update(report.signedBytes());
      valid = verifier.verify(p1363);
    } catch (GeneralSecurityException e) {
      throw bad("the report signature cannot be checked: " + e.getMessage(), e);
    }
    if (!valid) {
      throw bad("the report signature does not verify under the signing key", null);
    }
  }

  private static void toBigEndian(byte[] littleEndian, byte[] out, int offset)
      throws AttestationException {
    for (int i = SCALAR; i < littleEndian.length; i++) {
      if (littleEndian[i] != 0) {
        throw bad("a signature component is longer than 384 bits", null);
      }
    }
    for (int i = 0; i < SCALAR; i++) {
      out[offset + i] = littleEndian[SCALAR - 1 - i];
    }
  }

  private static boolean isP384(ECParameterSpec params) {
    return params.getCurve().equals(P384.getCurve())
        && params.getOrder().equals(P384.getOrder())
        && params.getGenerator().equals(P384.getGenerator())
        && params.getCofactor() == P384.getCofactor();
  }

  private static ECParameterSpec p384() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp384r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no secp384r1 parameters", e);
    }
  }

  private static AttestationException bad(String detail, Throwable cause) {
    return cause == null
        ? new AttestationException(AttestationFailure.ATTESTATION_BAD_SIGNATURE, detail)
        : new AttestationException(AttestationFailure.ATTESTATION_BAD_SIGNATURE, detail, cause);
  }
}
