package dev.writ.server;

import dev.writ.core.ContentId;
import dev.writ.core.Decision;
import dev.writ.core.FleetState;
import dev.writ.core.Reason;
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
 * outcome, and fail closed. An allow is answered only after its spend and audit leaf are committed
 * and its receipt is built; a denial found before the spend is answered only after its leaf is
 * committed; if the ledger cannot answer, the reply is a 503 and never an allow.
 *
 * <p>Thread-safe: the root is immutable, the ledger is thread-safe, and each call verifies with its
 * own {@link CapturingLedger}.
 */
final class Authority {
  private final TrustRoot root;
  private final RatisSpendLedger ledger;
  private final ReceiptIssuer receipts;
  private final ServerMetrics metrics;
  private final Clock clock;

  Authority(
      TrustRoot root,
      RatisSpendLedger ledger,
      ReceiptIssuer receipts,
      ServerMetrics metrics,
      Clock clock) {
    this.root = root;
    this.ledger = ledger;
    this.receipts = receipts;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Decides one envelope; {@code envelope} is at most {@code Limits.MAX_ENVELOPE_BYTES}. */
  Reply decide(byte[] envelope) {
    CapturingLedger spends = new CapturingLedger(ledger, metrics);
    // fleet state (pause) is not replicated yet: the authority assumes a normal fleet in this part
    VerificationContext ctx = VerificationContext.authority(clock.instant(), FleetState.normal());
    Decision decision;
    try {
      decision = new Verifier(root, spends).verify(envelope, ctx);
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(Optional.empty());
    }
    return switch (decision) {
      case Decision.Allow allow -> allowed(allow.writ().id(), committedLeaf(spends));
      case Decision.Deny deny -> denied(envelope, deny.reason(), deny.id(), spends.leaf());
    };
  }

  /**
   * Audits a body that was too long to read whole: {@code prefix} is what was read before the
   * server stopped reading (empty when the declared length was already too long).
   */
  Reply oversize(byte[] prefix) {
    return denied(prefix, Reason.OVERSIZE, Optional.empty(), Optional.empty());
  }

  private Reply allowed(WritId id, AuditLeaf leaf) {
    try {
      return Reply.allow(id, receipts.receipt(leaf));
    } catch (ReceiptIssuer.ReceiptUnavailableException e) {
      // spent and audited, but without a receipt the client must not act: never a bare allow
      return Reply.ledgerUnavailable(Optional.of(id));
    }
  }

  private Reply denied(
      byte[] envelope, Reason reason, Optional<WritId> id, Optional<AuditLeaf> spendLeaf) {
    AuditLeaf leaf;
    if (spendLeaf.isPresent()) {
      // SPENT: the authorize command already appended this denial's leaf with the spend attempt
      leaf = spendLeaf.get();
    } else {
      long start = System.nanoTime();
      try {
        leaf = ledger.auditDenial(id, ContentId.of(envelope).digest(), Optional.empty(), reason);
      } catch (SpendLedger.SpendLedgerException e) {
        // a denial that cannot be recorded is still a denial; the client learns the audit failed
        return Reply.ledgerUnavailable(id);
      }
      metrics.observeCommit(System.nanoTime() - start);
    }
    try {
      return Reply.deny(reason, id, receipts.receipt(leaf));
    } catch (ReceiptIssuer.ReceiptUnavailableException e) {
      return Reply.ledgerUnavailable(id);
    }
  }

  private static AuditLeaf committedLeaf(CapturingLedger spends) {
    return spends
        .leaf()
        .orElseThrow(() -> new WritBugException("an allow without a committed spend"));
  }
}
