package dev.writ.server;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.Decision;
import dev.writ.core.Envelope;
import dev.writ.core.FleetState;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.TrustRoot;
import dev.writ.core.VerificationContext;
import dev.writ.core.VerifiedWrit;
import dev.writ.core.Verifier;
import dev.writ.core.WritBugException;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.state.AuditLeaf;
import dev.writ.state.RatisSpendLedger;
import dev.writ.state.RegistryView;
import dev.writ.state.WorkClient;
import dev.writ.state.WorkRegistry;
import dev.writ.state.WorkRequest;
import dev.writ.state.WorkView;
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
  private final RegistryView registry;
  private final WorkView work;
  private final WorkClient workClient;

  Authority(
      TrustRoot root,
      RatisSpendLedger ledger,
      ReceiptIssuer receipts,
      ServerMetrics metrics,
      Clock clock,
      RegistryView registry,
      WorkView work,
      WorkClient workClient) {
    this.root = root;
    this.ledger = ledger;
    this.receipts = receipts;
    this.metrics = metrics;
    this.clock = clock;
    this.registry = registry;
    this.work = work;
    this.workClient = workClient;
  }

  /** Decides one envelope; {@code envelope} is at most {@code Limits.MAX_ENVELOPE_BYTES}. */
  Reply decide(byte[] envelope) {
    Optional<WritPayload> peeked = peek(envelope);
    if (peeked
        .map(p -> p.cap() == Capability.DEPLOY || p.cap() == Capability.EXECUTE)
        .orElse(false)) {
      return decideWork(envelope, peeked.get());
    }
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

  /** The payload, if the envelope parses far enough; the verifier decides everything else. */
  private static Optional<WritPayload> peek(byte[] envelope) {
    try {
      return Optional.of(WritPayload.parse(Envelope.parse(envelope).payload()));
    } catch (WritDeniedException e) {
      return Optional.empty();
    }
  }

  /**
   * A {@code deploy} or {@code execute} writ (docs/spec/work.md section 3): authority-scope
   * verification without spending, the checks against the open request of its id, then one
   * replicated command that spends, audits and creates the work items.
   */
  private Reply decideWork(byte[] envelope, WritPayload peeked) {
    if (envelope.length > WorkRegistry.MAX_ENVELOPE_BYTES) {
      return denied(envelope, Reason.OVERSIZE, Optional.of(peeked.id()), Optional.empty());
    }
    PreviewLedger preview = new PreviewLedger(registry);
    VerificationContext ctx = VerificationContext.authority(clock.instant(), FleetState.normal());
    Decision decision;
    try {
      decision = new Verifier(root, preview).verify(envelope, ctx);
    } catch (SpendLedger.SpendLedgerException e) {
      throw new WritBugException("the preview ledger does not fail");
    }
    VerifiedWrit w;
    switch (decision) {
      case Decision.Deny deny -> {
        return denied(envelope, deny.reason(), deny.id(), Optional.empty());
      }
      case Decision.Allow allow -> w = allow.writ();
    }
    WritPayload p = w.payload();
    Optional<Reason> mismatch = againstRequest(p, work.openRequest(w.id()));
    if (mismatch.isPresent()) {
      return denied(envelope, mismatch.get(), Optional.of(w.id()), Optional.empty());
    }
    WorkClient.Authorization a;
    long start = System.nanoTime();
    try {
      a =
          workClient.authorize(
              w.id(),
              p.cap(),
              envelope,
              preview
                  .request()
                  .orElseThrow(() -> new WritBugException("an allow without a spend request"))
                  .retainUntil());
    } catch (SpendLedger.SpendLedgerException e) {
      return Reply.ledgerUnavailable(Optional.of(w.id()));
    }
    metrics.observeCommit(System.nanoTime() - start);
    return switch (a) {
      case WorkClient.Authorization.Authorized ok -> allowed(w.id(), ok.leaf());
      case WorkClient.Authorization.AlreadySpent s ->
          denied(envelope, Reason.SPENT, Optional.of(w.id()), Optional.of(s.leaf()));
      case WorkClient.Authorization.NotOpen n ->
          denied(envelope, Reason.WORK_NOT_OPEN, Optional.of(w.id()), Optional.of(n.leaf()));
    };
  }

  /** The first way the writ differs from its open request (work.md section 3), if any. */
  private static Optional<Reason> againstRequest(WritPayload p, Optional<WorkRequest> open) {
    if (open.isEmpty() || open.get().cap() != p.cap()) {
      return Optional.of(Reason.WORK_NOT_OPEN);
    }
    WorkRequest r = open.get();
    if (p.targets().isEmpty() || !p.targets().get().setHash().equals(r.targetSet().hash())) {
      return Optional.of(Reason.NOT_IN_TARGET_SET);
    }
    if (!p.content().equals(Optional.of(r.content()))) {
      return Optional.of(Reason.CONTENT_MISMATCH);
    }
    if (!p.tier().equals(r.tier())) {
      boolean weaker =
          p.tier().isPresent() && r.tier().isPresent() && !p.tier().get().atLeast(r.tier().get());
      return Optional.of(weaker ? Reason.TIER_BELOW_FLOOR : Reason.MALFORMED);
    }
    if (!p.rollout().equals(r.rollout())) {
      return Optional.of(Reason.MALFORMED);
    }
    return Optional.empty();
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
