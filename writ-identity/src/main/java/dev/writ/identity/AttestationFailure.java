package dev.writ.identity;

/**
 * Why hardware evidence was refused. Stable codes: they appear in enrollment denials and in the
 * audit log (docs/spec/enrollment.md). Closed set.
 */
public enum AttestationFailure {
  /**
   * Bytes that do not parse as the claimed structure: truncated, wrong magic or type, bad sizes.
   */
  ATTESTATION_MALFORMED,
  /** Evidence larger than the limit named for its kind, refused before parsing. */
  ATTESTATION_OVERSIZE,
  /** The quote or report signature does not verify under the attesting key. */
  ATTESTATION_BAD_SIGNATURE,
  /**
   * The certificate chain is broken: a link does not verify, a certificate is outside its validity
   * or an issuer is not a CA, or the evidence's own endorsement checks fail.
   */
  ATTESTATION_UNTRUSTED,
  /**
   * The chain is sound as far as it goes but reaches no authority the trust root's policy lists (or
   * the root lists none for this kind): the evidence cannot be judged. Enrollment records such a
   * node {@code degraded}; renewal refuses it.
   */
  ATTESTATION_AUTHORITY_NOT_LISTED,
  /** The quote's qualifying data or report data is not bound to the expected nonce. */
  ATTESTATION_NONCE_MISMATCH,
  /** A PCR value differs from the value the policy requires. */
  PCR_MISMATCH,
  /** The attestation key is not shown to live in the same TPM as the endorsement key. */
  ATTESTATION_KEY_UNBOUND,
  /** A policy field fails: debug enabled, TCB below the minimum, a measurement not allowed. */
  ATTESTATION_POLICY
}
