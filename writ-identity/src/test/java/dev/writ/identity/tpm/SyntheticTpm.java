package dev.writ.identity.tpm;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;

/**
 * Builds TPM 2.0 structures (Part 2 marshalling) from JDK keys, for checks no real TPM here
 * produces: SHA-384 schemes, P-384 keys, both RSAPSS salt lengths, odd ECDSA encodings.
 */
final class SyntheticTpm {
  /** restricted | sign | fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth. */
  static final long AK_ATTRIBUTES = 0x00050072L;

  private SyntheticTpm() {}

  static byte[] eccPublic(ECPublicKey key, int curveId, int scheme, TpmHash hash, long attrs) {
    Out o = header(TpmPublic.TPM_ALG_ECC, attrs);
    o.u16(TpmPublic.TPM_ALG_NULL); // symmetric
    o.u16(scheme);
    if (scheme != TpmPublic.TPM_ALG_NULL) {
      o.u16(hash.id());
    }
    o.u16(curveId);
    o.u16(TpmPublic.TPM_ALG_NULL); // kdf
    int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    o.sized(fixed(key.getW().getAffineX(), size));
    o.sized(fixed(key.getW().getAffineY(), size));
    return o.bytes();
  }

  static byte[] rsaPublic(RSAPublicKey key, int scheme, TpmHash hash, long attrs) {
    Out o = header(TpmPublic.TPM_ALG_RSA, attrs);
    o.u16(TpmPublic.TPM_ALG_NULL);
    o.u16(scheme);
    if (scheme != TpmPublic.TPM_ALG_NULL) {
      o.u16(hash.id());
    }
    o.u16(key.getModulus().bitLength());
    o.u32(0);
    o.sized(fixed(key.getModulus(), key.getModulus().bitLength() / 8));
    return o.bytes();
  }

  private static Out header(int type, long attrs) {
    Out o = new Out();
    o.u16(type);
    o.u16(TpmHash.SHA256.id());
    o.u32(attrs);
    o.sized(new byte[0]); // authPolicy
    return o;
  }

  /** A TPMS_ATTEST quote over one bank's {@code pcrs}. */
  static byte[] quote(byte[] extraData, TpmHash bank, List<Integer> pcrs, byte[] pcrDigest) {
    Out o = new Out();
    o.u32(TpmQuoteInfo.TPM_GENERATED_VALUE);
    o.u16(TpmQuoteInfo.TPM_ST_ATTEST_QUOTE);
    byte[] signer = new byte[34];
    signer[1] = 0x0b;
    o.sized(signer);
    o.sized(extraData);
    o.raw(new byte[8 + 4 + 4]);
    o.raw(new byte[] {1}); // safe
    o.raw(new byte[8]); // firmwareVersion
    o.u32(1);
    o.u16(bank.id());
    byte[] bitmap = new byte[3];
    for (int i : pcrs) {
      bitmap[i / 8] |= (byte) (1 << (i % 8));
    }
    o.raw(new byte[] {3});
    o.raw(bitmap);
    o.sized(pcrDigest);
    return o.bytes();
  }

  static byte[] rsaSignature(int scheme, TpmHash hash, byte[] sig) {
    Out o = new Out();
    o.u16(scheme);
    o.u16(hash.id());
    o.sized(sig);
    return o.bytes();
  }

  static byte[] ecdsaSignature(TpmHash hash, byte[] r, byte[] s) {
    Out o = new Out();
    o.u16(TpmPublic.TPM_ALG_ECDSA);
    o.u16(hash.id());
    o.sized(r);
    o.sized(s);
    return o.bytes();
  }

  /** {@code v} as exactly {@code size} big-endian bytes. */
  static byte[] fixed(BigInteger v, int size) {
    byte[] b = v.toByteArray();
    if (b.length == size) {
      return b;
    }
    if (b.length > size) {
      return Arrays.copyOfRange(b, b.length - size, b.length);
    }
    byte[] out = new byte[size];
    System.arraycopy(b, 0, out, size - b.length, b.length);
    return out;
  }

  private static final class Out {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    void u16(int v) {
      b.write(v >>> 8);
      b.write(v);
    }

    void u32(long v) {
      u16((int) (v >>> 16) & 0xffff);
      u16((int) v & 0xffff);
    }

    void sized(byte[] v) {
      u16(v.length);
      b.writeBytes(v);
    }

    void raw(byte[] v) {
      b.writeBytes(v);
    }

    byte[] bytes() {
      return b.toByteArray();
    }
  }
}
