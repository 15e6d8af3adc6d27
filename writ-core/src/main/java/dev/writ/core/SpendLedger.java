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
   * The record of one spend: the writ id, its capability (for the audit record), the SHA-256 of the
   * exact envelope bytes, and the earliest time the entry may be pruned ({@code exp} plus the skew
   * cap). The envelope hash is computed when first asked for, so a ledger that does not record it
   * does not pay for it. Immutable and thread-safe.
   */
  final class SpendRequest {
    private final WritId id;
    private final Capability cap;
    private final Instant retainUntil;
    private final byte[] envelope;
    private volatile byte[] envelopeSha256;

    public SpendRequest(WritId id, Capability cap, byte[] envelopeSha256, Instant retainUntil) {
      if (envelopeSha256.length != 32) {
        throw new IllegalArgumentException("a SHA-256 digest is 32 bytes");
      }
      this.id = id;
      this.cap = cap;
      this.retainUntil = retainUntil;
      this.envelope = null;
      this.envelopeSha256 = envelopeSha256.clone();
    }

    private SpendRequest(WritId id, Capability cap, Instant retainUntil, byte[] envelope) {
      this.id = id;
      this.cap = cap;
      this.retainUntil = retainUntil;
      this.envelope = envelope;
    }

    /** A request for the writ whose exact envelope bytes are {@code envelope} (not copied). */
    static SpendRequest ofEnvelope(
        WritId id, Capability cap, byte[] envelope, Instant retainUntil) {
      return new SpendRequest(id, cap, retainUntil, envelope);
    }

    public WritId id() {
      return id;
    }

    public Capability cap() {
      return cap;
    }

    public Instant retainUntil() {
      return retainUntil;
    }

    public byte[] envelopeSha256() {
      byte[] h = envelopeSha256;
      if (h == null) {
        h = ContentId.sha256(envelope);
        envelopeSha256 = h;
      }
      return h.clone();
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
