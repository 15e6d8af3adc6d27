package dev.writ.log;

/**
 * A log that {@link LogAuditor#verify} replayed in full: every entry, every stored tile and the
 * signed root agree, and the log extends the trusted checkpoint given, if any. Only the auditor
 * makes one.
 *
 * <p>It says nothing about the log after the audit, nor about whether other parties saw the same
 * checkpoint (that is what witnesses are for). Immutable and thread-safe.
 */
public final class AuditedLog {
  private final Checkpoint checkpoint;
  private final String signedNote;

  AuditedLog(Checkpoint checkpoint, String signedNote) {
    this.checkpoint = checkpoint;
    this.signedNote = signedNote;
  }

  /** The audited checkpoint. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The signed checkpoint note as read: keep it as the trusted checkpoint of the next audit. */
  public String signedNote() {
    return signedNote;
  }
}
