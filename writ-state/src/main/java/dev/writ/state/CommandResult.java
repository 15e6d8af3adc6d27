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

  /** An enrollment was refused because its id is not open for the node: the deny leaf. */
  record NotOpen(AuditLeaf leaf) implements CommandResult {}

  /** A registry command (open, renew, revoke) was applied; no leaf was appended. */
  record Done() implements CommandResult {}

  /** The command was refused; state is unchanged. */
  record Refused(String code, String detail) implements CommandResult {}
}
