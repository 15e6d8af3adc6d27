package dev.writ.cli;

import dev.writ.core.Decision;
import dev.writ.core.InMemorySpendLedger;
import dev.writ.core.SpendLedger;
import dev.writ.core.TrustRoot;
import dev.writ.core.Verifier;
import dev.writ.core.WritDeniedException;
import java.util.List;
import java.util.Optional;

/**
 * Verification outside a server: pin a root, apply rotations, verify one envelope against a
 * context, with an in-memory ledger holding the context's spent ids. Used by {@code writ verify},
 * the quickstart and the vector tests, so all three take the same path.
 */
final class OfflineVerification {
  private OfflineVerification() {}

  static Decision run(byte[] rootBytes, List<byte[]> rotations, byte[] envelope, ContextFile ctx) {
    TrustRoot root;
    try {
      root = TrustRoot.pin(rootBytes);
      for (byte[] next : rotations) {
        root = root.rotate(next, ctx.context().now());
      }
    } catch (WritDeniedException e) {
      return new Decision.Deny(e.reason(), "trust root: " + e.detail(), Optional.empty());
    }
    Verifier verifier = new Verifier(root, InMemorySpendLedger.withSpent(ctx.spent()));
    try {
      return verifier.verify(envelope, ctx.context());
    } catch (SpendLedger.SpendLedgerException e) {
      // the in-memory ledger never throws; if it did, nothing may be allowed
      throw new IllegalStateException("in-memory ledger failed", e);
    }
  }
}
