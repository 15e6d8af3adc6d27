package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.WritId;

/**
 * A command of the replicated state machine (DESIGN.md section 3). Every command is a versioned
 * record, encoded as RFC 8785 canonical JSON by {@link CommandCodec}, and carries {@code at}: the
 * proposer's time in Unix seconds. Apply uses only {@code at}, never a replica's clock, so every
 * replica reaches the same state. Later issues add audit leaves, node registry, quarantine and
 * pause as further permitted records; switches over this type have no {@code default}, so a new
 * command breaks the build until every replica path handles it.
 *
 * <p>Thread-safe: all implementations are immutable.
 */
public sealed interface StateCommand permits StateCommand.Spend {

  /** Format version of every command this build writes and accepts. */
  int VERSION = 1;

  /** The proposer's time in Unix seconds; the only time apply may use. */
  long at();

  /**
   * Spends {@code id} unless it is already spent; the note is kept until {@code retainUntil} (Unix
   * seconds) has passed in log time.
   *
   * @param envelopeSha256 the SHA-256 of the exact envelope bytes, 64 lowercase hex digits
   */
  record Spend(WritId id, Capability cap, String envelopeSha256, long retainUntil, long at)
      implements StateCommand {
    public Spend {
      if (envelopeSha256.length() != 64 || !envelopeSha256.chars().allMatch(Spend::isLowerHex)) {
        throw new IllegalArgumentException("envelope_sha256 is 64 lowercase hex digits");
      }
      if (retainUntil < 0 || at < 0) {
        throw new IllegalArgumentException("times are non-negative Unix seconds");
      }
    }

    private static boolean isLowerHex(int c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
  }
}
