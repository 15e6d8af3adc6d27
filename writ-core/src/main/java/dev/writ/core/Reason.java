package dev.writ.core;

/**
 * The closed set of denial reasons. The names are stable wire codes (docs/spec/writ.md section
 * "Denial reasons"); a code is never renamed or reused. Declaration order is the order of the
 * checks: when several apply, the verifier reports the first one it reaches.
 */
public enum Reason {
  // 1. parse
  OVERSIZE("input exceeds a size, depth or count limit"),
  MALFORMED("input is not a well-formed writ"),
  NON_CANONICAL("payload or envelope bytes are not RFC 8785 canonical JSON"),
  UNSUPPORTED_VERSION("format version is not supported"),
  UNKNOWN_FIELD("a field the format does not define is present"),
  // 2. signatures
  ROOT_EXPIRED("the trust root has expired"),
  ROOT_ROLLBACK("a trust root update does not raise the version"),
  UNKNOWN_KEY("a signature names a key the trust root does not list"),
  BAD_SIGNATURE("a signature does not verify"),
  ROLE_NOT_PERMITTED("a signing key holds no role that may sign this capability"),
  HYBRID_REQUIRED("policy requires an ML-DSA-65 co-signature that is missing"),
  THRESHOLD_NOT_MET("too few distinct keys signed"),
  SEPARATION_OF_DUTIES("initiator and approver thresholds are not met by distinct keys"),
  // 3. freshness
  EXPIRED("the writ's validity window has ended"),
  NOT_YET_VALID("the writ's validity window has not begun"),
  TTL_EXCEEDS_POLICY("the validity window is longer than policy allows"),
  // 4. fleet state
  PAUSED("the fleet is paused"),
  TARGET_QUARANTINED("the acting node is quarantined"),
  // 5. node identity
  IDENTITY_MISMATCH("the acting node's identity does not match the target glob"),
  NOT_IN_TARGET_SET("the acting node is not in the target set"),
  POSTURE_INSUFFICIENT("the acting node's posture does not permit this capability"),
  // 6. content
  CONTENT_MISMATCH("the content bytes do not hash to the writ's content id"),
  // 7. ticket and tier
  TICKET_REQUIRED("policy requires a change ticket"),
  TIER_BELOW_FLOOR("the requested sandbox tier is below the policy floor"),
  // 8. spend
  SPENT("the writ id has already been spent"),
  // 9. enrollment and node identity (docs/spec/enrollment.md); the Verifier never reports these
  ENROLLMENT_NOT_OPEN("the writ id is not a pending enrollment, or it has expired"),
  STALE_NONCE("the attestation challenge is unknown, expired or already used"),
  CSR_INVALID("the certificate signing request does not parse, verify or use an allowed key"),
  ATTESTATION_MALFORMED("the attestation evidence does not parse"),
  ATTESTATION_OVERSIZE("the attestation evidence is larger than its limit"),
  ATTESTATION_BAD_SIGNATURE("the quote or report signature does not verify"),
  ATTESTATION_UNTRUSTED("the evidence's certificate chain or endorsement does not verify"),
  ATTESTATION_AUTHORITY_NOT_LISTED("the evidence reaches no authority the trust root lists"),
  ATTESTATION_NONCE_MISMATCH("the evidence is not bound to this challenge and key"),
  ATTESTATION_KEY_UNBOUND("the attestation key is not shown to live in the endorsed TPM"),
  ATTESTATION_POLICY("the evidence fails a policy field (debug, TCB, measurement)"),
  PCR_MISMATCH("a PCR value differs from the one policy requires"),
  UNKNOWN_NODE("the peer certificate names no registered node"),
  NODE_REVOKED("the peer certificate's serial is revoked or superseded"),
  SVID_INVALID("the peer certificate is not a valid X.509-SVID of this trust domain"),

  WORK_NOT_OPEN("the writ id is not an open deploy or execute request"),
  RECEIPT_INVALID("the work item's receipt does not verify under the pinned log key"),
  LOG_INCONSISTENT("the receipt's checkpoint is not consistent with the log this agent has seen"),
  TIER_UNAVAILABLE("the requested sandbox tier is not available on this host");

  private final String summary;

  Reason(String summary) {
    this.summary = summary;
  }

  /**
   * Whether the writ verifier (docs/spec/writ.md sections 9 and 10) can report this reason; the
   * others come from enrollment and node identity (docs/spec/enrollment.md section 8).
   */
  public boolean isVerifierReason() {
    return compareTo(SPENT) <= 0;
  }

  /**
   * Whether an agent reports this reason about a work item before acting (docs/spec/work.md section
   * 5); the verifier never does.
   */
  public boolean isWorkReason() {
    return compareTo(RECEIPT_INVALID) >= 0;
  }

  /**
   * Whether enrollment or node identity (docs/spec/enrollment.md section 8) reports this reason;
   * the rest of the non-verifier reasons come from work on the fleet (docs/spec/work.md section 8).
   */
  public boolean isEnrollmentReason() {
    return compareTo(ENROLLMENT_NOT_OPEN) >= 0 && compareTo(SVID_INVALID) <= 0;
  }

  /** One plain-English sentence fragment for people; the enum name is the stable code. */
  public String summary() {
    return summary;
  }
}
