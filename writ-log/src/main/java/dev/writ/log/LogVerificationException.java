package dev.writ.log;

/**
 * The one checked exception of the log trust boundary: a proof, note, key or checkpoint did not
 * pass. Carries a stable {@link Reason} and a detail for people (which index, which size, which
 * line).
 */
public final class LogVerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a check failed. A closed set: switch over it without a default. */
  public enum Reason {
    /** An inclusion proof does not lead to the expected root. */
    INCLUSION_MISMATCH,
    /** A consistency proof does not lead to one or both of the expected roots. */
    CONSISTENCY_MISMATCH,
    /** A proof has more or fewer hashes than its sizes require, or more than the limit. */
    BAD_PROOF_SIZE,
    /** An index or size is outside its tree (index at or past the size, old size past new). */
    INDEX_OUT_OF_RANGE,
    /** A consistency proof from the empty tree (to any size): it proves nothing. */
    CONSISTENCY_FROM_EMPTY,
    /** A hash that must be 32 bytes (SHA-256) is not. */
    BAD_HASH_SIZE,
    /** A verifier key string is not {@code <name>+<hex id>+<base64 key>} for an Ed25519 key. */
    MALFORMED_KEY,
    /** A note is not text, blank line, signature lines, or exceeds a limit. */
    MALFORMED_NOTE,
    /** A signature by a known key does not verify. */
    BAD_SIGNATURE,
    /** No signature by any known key is present. */
    NO_KNOWN_SIGNATURE,
    /** A checkpoint body is not origin, decimal size, base64 root and extension lines. */
    MALFORMED_CHECKPOINT,
    /**
     * A receipt is not {@code {"checkpoint","inclusion","index","leaf"}} with a string, an array of
     * strings, an integer and a string, or a field does not decode (canonical base64), or the leaf
     * is too long (docs/spec/api.md section 3).
     */
    BAD_RECEIPT,
    /** A checkpoint's origin is not the name of the log key it was verified with. */
    ORIGIN_MISMATCH,
    /** A leaf is not a decision record in strict canonical JSON (docs/spec/log.md section 10). */
    MALFORMED_RECORD,
    /**
     * A decision record does not match what it must: the receipt's index, the SHA-256 of the
     * envelope sent, or the answer's decision, reason and id.
     */
    RECEIPT_MISMATCH,
  }

  private final Reason reason;

  public LogVerificationException(Reason reason, String detail) {
    super(reason.name() + ": " + detail);
    this.reason = reason;
  }

  public LogVerificationException(Reason reason, String detail, Throwable cause) {
    super(reason.name() + ": " + detail, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
