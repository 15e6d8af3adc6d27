package dev.writ.identity.tpm;

/**
 * Size limits for TPM 2.0 structures, checked before any parsing work. Each cites the structure in
 * TPM 2.0 Library Part 2 (rev 1.59) it bounds; where the specification's bound depends on the
 * implementation, the number is the largest a TPM with SHA-512 and RSA-4096 can produce, rounded
 * up.
 */
final class TpmLimits {
  private TpmLimits() {}

  /** Largest digest, sizeof(TPMU_HA) with SHA-512: TPM2B_DIGEST's buffer. */
  static final int MAX_DIGEST = 64;

  /** TPM2B_NAME buffer, sizeof(TPMU_NAME) = sizeof(TPMT_HA): algorithm id and a SHA-512 digest. */
  static final int MAX_NAME = 2 + MAX_DIGEST;

  /** TPM2B_DATA buffer (extraData of TPMS_ATTEST) is sizeof(TPMT_HA). */
  static final int MAX_DATA = 2 + MAX_DIGEST;

  /** TPM2B_PUBLIC_KEY_RSA buffer, MAX_RSA_KEY_BYTES for a 4096-bit key. */
  static final int MAX_RSA_KEY_BYTES = 512;

  /** TPM2B_ECC_PARAMETER buffer, MAX_ECC_KEY_BYTES for NIST P-521. */
  static final int MAX_ECC_KEY_BYTES = 66;

  /**
   * A TPMT_PUBLIC: RSA-4096 with a SHA-512 authPolicy is 604 bytes (type 2, nameAlg 2, attributes
   * 4, policy 66, symmetric 6, scheme 4, keyBits 2, exponent 4, unique 514).
   */
  static final int MAX_PUBLIC_BYTES = 1024;

  /**
   * A TPMS_ATTEST of type quote: 293 bytes at most (magic 4, type 2, qualifiedSigner 68, extraData
   * 68, clockInfo 17, firmwareVersion 8, four PCR selections 32, pcrDigest 66).
   */
  static final int MAX_ATTEST_BYTES = 1024;

  /** A TPMT_SIGNATURE: RSA-4096 is 518 bytes (sigAlg 2, hash 2, size 2, signature 512). */
  static final int MAX_SIGNATURE_BYTES = 1024;

  /**
   * TPMS_PCR_SELECTION.sizeofSelect: PCR_SELECT_MAX is 3 for the 24 PCRs of the PC Client platform
   * profile; 4 bytes (32 PCRs) is the headroom Writ allows.
   */
  static final int MAX_PCR_SELECT = 4;

  /** Highest PCR index a selection can name. */
  static final int MAX_PCR_INDEX = 8 * MAX_PCR_SELECT - 1;

  /** TPML_PCR_SELECTION.count is at most HASH_COUNT; Writ knows four banks, each at most once. */
  static final int MAX_PCR_BANKS = 4;

  /** PCR values one report can carry: every index of every bank. */
  static final int MAX_PCR_VALUES = MAX_PCR_BANKS * (MAX_PCR_INDEX + 1);

  /** A credential (TPM2B_DIGEST) for TPM2_MakeCredential / TPM2_ActivateCredential. */
  static final int MAX_CREDENTIAL_BYTES = MAX_DIGEST;

  /** Qualifying data the enrollment protocol puts in a quote (docs/spec/attestation-tpm.md). */
  static final int NONCE_BYTES = 32;
}
