package dev.writ.sandbox;

import dev.writ.core.Tier;

/**
 * A tier was asked for that this host cannot provide (not implemented, not supported here, or below
 * the policy floor). Execution never falls back to another tier: the caller refuses the work.
 */
public final class TierUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Tier tier;
  private final String reason;

  TierUnavailableException(Tier tier, String reason) {
    super(tier.wire() + ": " + reason);
    this.tier = tier;
    this.reason = reason;
  }

  /** The tier that was asked for. */
  public Tier tier() {
    return tier;
  }

  /** The one-line reason, without the tier prefix. */
  public String reason() {
    return reason;
  }
}
