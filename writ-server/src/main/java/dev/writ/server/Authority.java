package dev.writ.server;

import dev.writ.core.ContentId;
import dev.writ.core.Decision;
import dev.writ.core.FleetState;
import dev.writ.core.SpendLedger;
import dev.writ.core.TrustRoot;
import dev.writ.core.VerificationContext;
import dev.writ.core.Verifier;
import dev.writ.core.WritBugException;
import dev.writ.core.WritId;
import dev.writ.state.AuditLeaf;
import dev.writ.state.RatisSpendLedger;
import java.time.Clock;
import java.util.Optional;

/**
 * The decision behind {@code POST /v1/writs}: verify in authority scope, spend last, audit every
 * outcome, and fail closed. An allow is answered only after its spend and audit leaf are committed;
 * a denial found before the spend is answered only after its leaf is committed; if the ledger
 * cannot answer, the reply is a 503 and never an allow.
 *
 * <p>Thread-safe: the root is immutable, the ledger is thread-safe, and each call verifies with its
 * own {@link CapturingLedger}.
 */
final class Authority {
  private final TrustRoot root;
  private final RatisSpendLedger ledger;
  private final Clock clock;

  Authority(TrustRoot root, RatisSpendLedger ledger, Clock clock) {
    this.root = root;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Decides one envelope; {@code envelope} is at most {@code Limits.MAX_ENVELOPE_BYTES}. */
  Reply decide(byte[] envelope) {
    CapturingLedger spends = new CapturingLedger(ledger);
    // fleet state is not replicated yet: the authority assumes a normal fleet in this slice
    VerificationContext ctx = VerificationContext.authority(clock.instant(), FleetState.normal());
    Decision decision;
    try {
      decision = new Verifier(root, spends).verify(envelope, ctx);
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(Optional.empty());
    }
    return switch (decision) {
      case Decision.Allow allow -> Reply.allow(allow.writ().id(), committedLeaf(spends));
      case Decision.Deny deny -> denied(envelope, deny, spends.leaf());
    };
  }

  private Reply denied(byte[] envelope, Decision.Deny deny, Optional<AuditLeaf> spendLeaf) {
    if (spendLeaf.isPresent()) {
      // SPENT: the authorize command already appended this denial's leaf with the spend attempt
      return Reply.deny(deny);
    }
    Optional<WritId> id = deny.id();
    try {
      ledger.auditDenial(id, ContentId.of(envelope).digest(), Optional.empty(), deny.reason());
    } catch (SpendLedger.SpendLedgerException e) {
      // a denial that cannot be recorded is still a denial; the client learns the audit failed
      return Reply.ledgerUnavailable(id);
    }
    return Reply.deny(deny);
  }

  private static AuditLeaf committedLeaf(CapturingLedger spends) {
    return spends
        .leaf()
        .orElseThrow(() -> new WritBugException("an allow without a committed spend"));
  }
}
