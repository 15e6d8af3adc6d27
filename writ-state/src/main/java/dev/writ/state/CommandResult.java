package dev.writ.state;

import dev.writ.core.SpendLedger;

/**
 * What applying one command produced, as carried in the Raft reply. A refusal never changed state;
 * every other result appended exactly one audit leaf.
 *
 * <p>Thread-safe: all implementations are immutable.
 */
sealed interface CommandResult {

  /** An authorization was applied: the spend outcome and the decision record appended with it. */
  record Authorized(SpendLedger.Outcome outcome, AuditLeaf leaf) implements CommandResult {}

  /** A denial was audited: the decision record appended. */
  record Audited(AuditLeaf leaf) implements CommandResult {}

  /** The command was refused; state is unchanged. */
  record Refused(String code, String detail) implements CommandResult {}
}
