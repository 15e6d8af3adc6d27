package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/**
 * A parsed TPMT_SIGNATURE (TPM 2.0 Part 2 §11.3.4) of scheme RSASSA, RSAPSS or ECDSA, and its check
 * against a TPM key. Immutable.
 */
final class TpmSignature {
  private final int scheme;
  private final TpmHash hash;
  private final byte[] rsa;
  private final byte[] r;
  private final byte[] s;

  private TpmSignature(int scheme, TpmHash hash, byte[] rsa, byte[] r, byte[] s) {
    this.scheme = scheme;
    this.hash = hash;
    this.rsa = rsa;
    this.r = r;
    this.s = s;
  }

  static TpmSignature parse(byte[] bytes) throws AttestationException {
    if (bytes.length > TpmLimits.MAX_SIGNATURE_BYTES) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          "TPMT_SIGNATURE has "
              + bytes.length
              + " bytes, more than "
              + TpmLimits.MAX_SIGNATURE_BYTES);
    }
    TpmReader in = new TpmReader(bytes, "TPMT_SIGNATURE");
    int scheme = in.u16();
    TpmSignature sig;
    if (scheme == TpmPublic.TPM_ALG_RSASSA || scheme == TpmPublic.TPM_ALG_RSAPSS) {
      TpmHash hash = TpmPublic.hash(in, "hash");
      byte[] rsa = in.sized(TpmLimits.MAX_RSA_KEY_BYTES, "RSA signature");
      sig = new TpmSignature(scheme, hash, rsa, new byte[0], new byte[0]);
    } else if (scheme == TpmPublic.TPM_ALG_ECDSA) {
      TpmHash hash = TpmPublic.hash(in, "hash");
      byte[] r = in.sized(TpmLimits.MAX_ECC_KEY_BYTES, "ECDSA r");
      byte[] s = in.sized(TpmLimits.MAX_ECC_KEY_BYTES, "ECDSA s");
      sig = new TpmSignature(scheme, hash, new byte[0], r, s);
    } else {
      throw in.malformed(
          "signature algorithm 0x"
              + Integer.toHexString(scheme)
              + " is not RSASSA, RSAPSS or ECDSA");
    }
    in.end();
    return sig;
  }

  /**
   * This ECDSA signature as DER {@code SEQUENCE { r INTEGER, s INTEGER }} (RFC 3279), the form
   * JCA's {@code SHA256withECDSA} produces.
   *
   * @throws AttestationException {@code ATTESTATION_BAD_SIGNATURE} if it is not ECDSA with {@code
   *     expected}
   */
  byte[] ecdsaDer(TpmHash expected) throws AttestationException {
    if (scheme != TpmPublic.TPM_ALG_ECDSA || hash != expected) {
      throw bad("the TPM made another signature than ECDSA with " + expected.jcaName());
    }
    try {
      return new DERSequence(
              new ASN1Encodable[] {
                new ASN1Integer(new BigInteger(1, r)), new ASN1Integer(new BigInteger(1, s))
              })
          .getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("two integers always encode", e);
    }
  }

  /** The scheme's hash: the quote's pcrDigest is made with it too (Part 3 §18.4). */
  TpmHash hash() {
    return hash;
  }

  /**
   * Requires this to be {@code key}'s signature over {@code message}, with the key's own scheme if
   * the key fixes one.
   *
   * @throws AttestationException {@code ATTESTATION_BAD_SIGNATURE}
   */
  void verify(TpmPublic key, byte[] message) throws AttestationException {
    boolean rsaScheme = scheme != TpmPublic.TPM_ALG_ECDSA;
    if (rsaScheme != key.isRsa()) {
      throw bad("a " + (key.isRsa() ? "RSA" : "ECC") + " key cannot make this signature's scheme");
    }
    if (key.schemeAlg() != TpmPublic.TPM_ALG_NULL
        && (key.schemeAlg() != scheme || key.schemeHash().orElse(null) != hash)) {
      throw bad("the signature's scheme or hash is not the attestation key's own");
    }
    boolean ok;
    try {
      ok =
          switch (scheme) {
            case TpmPublic.TPM_ALG_RSASSA -> check(rsaSsa(), key, message, rsa);
            case TpmPublic.TPM_ALG_RSAPSS -> checkPss(key, message);
            default -> check(ecdsa(), key, message, p1363(key));
          };
    } catch (GeneralSecurityException e) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_BAD_SIGNATURE,
          "the signature does not verify under the attestation key",
          e);
    }
    if (!ok) {
      throw bad("the signature does not verify under the attestation key");
    }
  }

  private Signature rsaSsa() throws GeneralSecurityException {
    return Signature.getInstance(hash.jcaName().replace("-", "") + "withRSA");
  }

  private Signature ecdsa() throws GeneralSecurityException {
    return Signature.getInstance(hash.jcaName().replace("-", "") + "withECDSAinP1363Format");
  }

  /**
   * TPMs sign RSAPSS with a salt as long as the digest or, in older firmware, as long as the key
   * allows (Part 1 §B.7); both are accepted, nothing else.
   */
  private boolean checkPss(TpmPublic key, byte[] message) throws GeneralSecurityException {
    int maxSalt = rsa.length - hash.size() - 2;
    for (int salt : new int[] {hash.size(), maxSalt}) {
      if (salt < 0) {
        continue;
      }
      Signature v = Signature.getInstance("RSASSA-PSS");
      v.initVerify(key.key());
      v.setParameter(
          new PSSParameterSpec(
              hash.jcaName(), "MGF1", new MGF1ParameterSpec(hash.jcaName()), salt, 1));
      v.update(message);
      if (v.verify(rsa)) {
        return true;
      }
    }
    return false;
  }

  private static boolean check(Signature v, TpmPublic key, byte[] message, byte[] sig)
      throws GeneralSecurityException {
    v.initVerify(key.key());
    v.update(message);
    return v.verify(sig);
  }

  /** r and s left-padded to the curve's size, as the JDK's P1363 format wants. */
  private byte[] p1363(TpmPublic key) throws AttestationException {
    int n = key.curve().orElseThrow().size();
    byte[] out = new byte[2 * n];
    copyRight(r, out, 0, n);
    copyRight(s, out, n, n);
    return out;
  }

  private static void copyRight(byte[] v, byte[] out, int offset, int n)
      throws AttestationException {
    int start = 0;
    while (start < v.length && v[start] == 0) {
      start++;
    }
    int len = v.length - start;
    if (len > n) {
      throw bad("an ECDSA signature component is longer than the curve");
    }
    System.arraycopy(v, start, out, offset + n - len, len);
  }

  private static AttestationException bad(String detail) {
    return new AttestationException(AttestationFailure.ATTESTATION_BAD_SIGNATURE, detail);
  }
}
