package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Name of a TPM object (TPM 2.0 Part 1 §16): its name algorithm's TPM_ALG_ID (two bytes, big
 * endian) followed by that algorithm's digest of the object's TPMT_PUBLIC. What TPM2_MakeCredential
 * binds a credential to, and how a node's attestation key is recorded. Immutable.
 */
public final class TpmName {
  private final byte[] bytes;

  private TpmName(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * The Name of the key whose TPMT_PUBLIC is {@code tpmtPublic}.
   *
   * @throws AttestationException {@code ATTESTATION_OVERSIZE} or {@code ATTESTATION_MALFORMED} if
   *     the bytes are not a supported TPMT_PUBLIC
   */
  public static TpmName ofPublic(byte[] tpmtPublic) throws AttestationException {
    return TpmPublic.parse(tpmtPublic).name();
  }

  static TpmName of(TpmHash nameAlg, byte[] tpmtPublic) {
    byte[] digest = nameAlg.digest(tpmtPublic);
    byte[] out = new byte[2 + digest.length];
    out[0] = (byte) (nameAlg.id() >>> 8);
    out[1] = (byte) nameAlg.id();
    System.arraycopy(digest, 0, out, 2, digest.length);
    return new TpmName(out);
  }

  /**
   * Parses a Name from lowercase hex (as {@link #hex()} writes it): a known name algorithm followed
   * by a digest of its size.
   */
  public static TpmName parseHex(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    if (b.length < 2
        || TpmHash.fromId(((b[0] & 0xff) << 8) | (b[1] & 0xff))
            .filter(h -> h.size() == b.length - 2)
            .isEmpty()
        || !hex.equals(HexFormat.of().formatHex(b))) {
      throw new IllegalArgumentException("not a TPM Name in lowercase hex");
    }
    return new TpmName(b);
  }

  /** The marshalled Name. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Lowercase hex of {@link #bytes()}. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TpmName n && MessageDigest.isEqual(bytes, n.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
