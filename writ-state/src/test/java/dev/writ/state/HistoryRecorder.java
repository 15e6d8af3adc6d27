package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.WritId;
import dev.writ.state.LinearizabilityChecker.AuditDenial;
import dev.writ.state.LinearizabilityChecker.Audited;
import dev.writ.state.LinearizabilityChecker.Authorize;
import dev.writ.state.LinearizabilityChecker.Authorized;
import dev.writ.state.LinearizabilityChecker.Call;
import dev.writ.state.LinearizabilityChecker.Failed;
import dev.writ.state.LinearizabilityChecker.Op;
import dev.writ.state.LinearizabilityChecker.Reply;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls a {@link RatisSpendLedger} and records each call as a {@link LinearizabilityChecker.Op}:
 * one shared counter is ticked just before the call and just after its reply, so the ticks order
 * invocations and responses as they happened. A {@link SpendLedger.SpendLedgerException} becomes a
 * {@link Failed} reply (the call may still take effect); any other exception propagates.
 *
 * <p>Thread-safe: the counter is atomic and the log a concurrent queue.
 */
final class HistoryRecorder {
  private final AtomicLong ticks = new AtomicLong();
  private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

  /** Calls {@code ledger.authorize(request)} and records it. */
  Op authorize(int client, RatisSpendLedger ledger, SpendLedger.SpendRequest request) {
    Call call = new Authorize(request.id());
    long invoked = ticks.incrementAndGet();
    Reply reply;
    try {
      RatisSpendLedger.Authorization a = ledger.authorize(request);
      reply = new Authorized(a.outcome(), a.leaf());
    } catch (SpendLedger.SpendLedgerException e) {
      reply = new Failed(String.valueOf(e.getMessage()));
    }
    return record(client, call, invoked, reply);
  }

  /** Calls {@code ledger.auditDenial} for {@code id} (capability {@code deploy}) and records it. */
  Op auditDenial(
      int client,
      RatisSpendLedger ledger,
      Optional<WritId> id,
      byte[] envelopeSha256,
      Reason reason) {
    Call call = new AuditDenial(id, reason);
    long invoked = ticks.incrementAndGet();
    Reply reply;
    try {
      reply =
          new Audited(
              ledger.auditDenial(id, envelopeSha256, id.map(x -> Capability.DEPLOY), reason));
    } catch (SpendLedger.SpendLedgerException e) {
      reply = new Failed(String.valueOf(e.getMessage()));
    }
    return record(client, call, invoked, reply);
  }

  private Op record(int client, Call call, long invoked, Reply reply) {
    Op op = new Op(client, call, invoked, ticks.incrementAndGet(), reply);
    ops.add(op);
    return op;
  }

  /** The calls recorded so far, in the order they returned. */
  List<Op> ops() {
    return List.copyOf(ops);
  }
}
