package dev.writ.core;

import java.time.Instant;

/**
 * Where writ ids are spent, exactly once. The verifier calls it last (DESIGN.md section 2: spend
 * last), only for writs that passed every other check. Implementations must be atomic: among any
 * number of concurrent calls for one id, at most one returns {@link Outcome#SPENT_NOW}; and
 * durable: an id reported spent stays spent until {@link SpendRequest#retainUntil()}.
 */
public interface SpendLedger {

  /** What a spend did. */
  enum Outcome {
    SPENT_NOW,
    ALREADY_SPENT
  }

  /**
   * The record of one spend.
   *
   * @param id the writ id
   * @param cap the writ's capability (for the audit record)
   * @param envelopeSha256 SHA-256 of the exact envelope bytes
   * @param retainUntil the earliest time the entry may be pruned: {@code exp} plus the skew cap
   */
  @SuppressWarnings("ArrayRecordComponent") // cloned in and out
  record SpendRequest(WritId id, Capability cap, byte[] envelopeSha256, Instant retainUntil) {
    public SpendRequest {
      envelopeSha256 = envelopeSha256.clone();
    }

    @Override
    public byte[] envelopeSha256() {
      return envelopeSha256.clone();
    }
  }

  /**
   * Spends {@code request.id()} if it is unspent.
   *
   * @throws SpendLedgerException if the outcome cannot be established; the caller must deny
   */
  Outcome spend(SpendRequest request) throws SpendLedgerException;

  /** The ledger could not answer; nothing may be assumed about the spend. */
  final class SpendLedgerException extends Exception {
    private static final long serialVersionUID = 1L;

    public SpendLedgerException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
