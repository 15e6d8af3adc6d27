package dev.writ.core;

import java.util.Optional;

/** The outcome of a verification: allow with the verified writ, or deny with a stable reason. */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

  /** Every check passed and the id was spent by this call. */
  record Allow(VerifiedWrit writ) implements Decision {}

  /**
   * A check failed.
   *
   * @param id the writ id when the payload was read far enough to know it
   */
  record Deny(Reason reason, String detail, Optional<WritId> id) implements Decision {
    static Deny of(WritDeniedException e) {
      return new Deny(e.reason(), e.detail(), e.writId());
    }
  }
}
