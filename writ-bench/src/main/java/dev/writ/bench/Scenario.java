package dev.writ.bench;

import dev.writ.core.SignatureAlgorithm;

/**
 * The writs the verification benchmarks measure. All are {@code deploy} writs with the same payload
 * (targets, content, rollout, ticket), so that they differ only in their signatures and in the
 * policy that asks for them.
 */
enum Scenario {
  /** One Ed25519 initiator signature. */
  SINGLE_ED25519(SignatureAlgorithm.ED25519, false, false),
  /** Policy makes deploy dual-control: an initiator and a distinct approver, both Ed25519. */
  DUAL_CONTROL_ED25519(SignatureAlgorithm.ED25519, true, false),
  /** Policy requires hybrid: the Ed25519 initiator plus its ML-DSA-65 partner. */
  HYBRID_ED25519_ML_DSA_65(SignatureAlgorithm.ED25519, false, true),
  /** One ECDSA P-256 initiator signature (verified by the JDK's SunEC), for context. */
  SINGLE_ECDSA_P256(SignatureAlgorithm.ECDSA_P256_SHA256, false, false);

  private final SignatureAlgorithm initiatorAlgorithm;
  private final boolean dualControl;
  private final boolean hybrid;

  Scenario(SignatureAlgorithm initiatorAlgorithm, boolean dualControl, boolean hybrid) {
    this.initiatorAlgorithm = initiatorAlgorithm;
    this.dualControl = dualControl;
    this.hybrid = hybrid;
  }

  SignatureAlgorithm initiatorAlgorithm() {
    return initiatorAlgorithm;
  }

  boolean dualControl() {
    return dualControl;
  }

  boolean hybrid() {
    return hybrid;
  }
}
