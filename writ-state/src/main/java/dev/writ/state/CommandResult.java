package dev.writ.state;

import dev.writ.core.SpendLedger;

/**
 * What applying one command produced, as carried in the Raft reply. A refusal never changed state.
 *
 * <p>Thread-safe: all implementations are immutable.
 */
sealed interface CommandResult {

  /** A spend was applied. */
  record Spent(SpendLedger.Outcome outcome) implements CommandResult {}

  /** The command was refused; state is unchanged. */
  record Refused(String code, String detail) implements CommandResult {}
}
