package dev.writ.server;

import dev.writ.core.SpendLedger;
import dev.writ.state.AuditLeaf;
import dev.writ.state.RatisSpendLedger;
import java.util.Optional;

/**
 * One request's view of the replicated ledger: spends through {@link RatisSpendLedger#authorize},
 * which appends the decision record in the same committed entry, and keeps that leaf so the server
 * can put it in the receipt. Used for exactly one {@code verify} call; not thread-safe.
 */
final class CapturingLedger implements SpendLedger {
  private final RatisSpendLedger ledger;
  private final ServerMetrics metrics;
  private Optional<AuditLeaf> leaf = Optional.empty();

  CapturingLedger(RatisSpendLedger ledger, ServerMetrics metrics) {
    this.ledger = ledger;
    this.metrics = metrics;
  }

  @Override
  public Outcome spend(SpendRequest request) throws SpendLedgerException {
    if (leaf.isPresent()) {
      throw new IllegalStateException("one spend per request");
    }
    long start = System.nanoTime();
    RatisSpendLedger.Authorization a = ledger.authorize(request);
    metrics.observeCommit(System.nanoTime() - start);
    leaf = Optional.of(a.leaf());
    return a.outcome();
  }

  /** The leaf the spend appended (allow or {@code SPENT}), if the verifier reached the spend. */
  Optional<AuditLeaf> leaf() {
    return leaf;
  }
}
