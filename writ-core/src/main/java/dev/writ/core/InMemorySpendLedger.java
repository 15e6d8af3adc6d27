package dev.writ.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A spend ledger in memory, for tests, vectors and the offline {@code writ verify}. Atomic across
 * threads; not durable, so nothing that acknowledges authorizations may use it.
 */
public final class InMemorySpendLedger implements SpendLedger {
  private final Set<WritId> spent = ConcurrentHashMap.newKeySet();

  /** A ledger in which {@code alreadySpent} are spent. */
  public static InMemorySpendLedger withSpent(Set<WritId> alreadySpent) {
    InMemorySpendLedger l = new InMemorySpendLedger();
    l.spent.addAll(alreadySpent);
    return l;
  }

  @Override
  public Outcome spend(SpendRequest request) {
    return spent.add(request.id()) ? Outcome.SPENT_NOW : Outcome.ALREADY_SPENT;
  }

  public boolean isSpent(WritId id) {
    return spent.contains(id);
  }
}
