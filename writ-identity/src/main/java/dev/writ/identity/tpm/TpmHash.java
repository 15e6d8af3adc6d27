package dev.writ.identity.tpm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The TPM hash algorithms Writ accepts (TPM_ALG_ID values, TCG Algorithm Registry): as a PCR bank,
 * a name algorithm, or a signing scheme's hash. Closed set, immutable; SM3 is not supported.
 */
public enum TpmHash {
  /** TPM_ALG_SHA1. Accepted for PCR banks and signatures of existing TPMs (older firmware). */
  SHA1(0x0004, "sha1", "SHA-1", 20),
  /** TPM_ALG_SHA256. */
  SHA256(0x000B, "sha256", "SHA-256", 32),
  /** TPM_ALG_SHA384. */
  SHA384(0x000C, "sha384", "SHA-384", 48),
  /** TPM_ALG_SHA512. */
  SHA512(0x000D, "sha512", "SHA-512", 64);

  private final int id;
  private final String bankName;
  private final String jcaName;
  private final int size;

  TpmHash(int id, String bankName, String jcaName, int size) {
    this.id = id;
    this.bankName = bankName;
    this.jcaName = jcaName;
    this.size = size;
  }

  /** The TPM_ALG_ID. */
  public int id() {
    return id;
  }

  /** The name tpm2-tools and Writ's policy JSON use for the bank ({@code sha256}). */
  public String bankName() {
    return bankName;
  }

  /** The digest size in bytes. */
  public int size() {
    return size;
  }

  /** The JCA algorithm name ({@code SHA-256}). */
  String jcaName() {
    return jcaName;
  }

  /** The algorithm with this TPM_ALG_ID. */
  public static Optional<TpmHash> fromId(int id) {
    for (TpmHash h : values()) {
      if (h.id == id) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  /** The algorithm with this bank name ({@code sha256}). */
  public static Optional<TpmHash> fromBankName(String name) {
    for (TpmHash h : values()) {
      if (h.bankName.equals(name)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  /** A fresh digest of this algorithm. */
  MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jcaName, e);
    }
  }

  /** The digest of {@code data}. */
  byte[] digest(byte[] data) {
    return newDigest().digest(data);
  }
}
