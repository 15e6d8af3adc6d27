package dev.writ.bench;

import dev.writ.core.SpendLedger;

/**
 * A spend ledger that reports every id as spent by this call, so one envelope can be verified over
 * and over. Bench-only: it spends nothing and would allow replays, so checks 1-7 are measured and
 * the spend (check 8) is not. Thread-safe (stateless).
 */
final class AlwaysUnspentLedger implements SpendLedger {
  @Override
  public Outcome spend(SpendRequest request) {
    return Outcome.SPENT_NOW;
  }
}
