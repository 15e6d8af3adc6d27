package dev.writ.log;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one checked exception of an offline log audit ({@link LogAuditor}): the log on disk is not
 * the log its signed checkpoint describes. Carries a stable {@link Kind}, the file at fault (a path
 * relative to the log root, as tlog-tiles names it) and an index whose meaning the kind documents.
 * Only the first fault found is reported.
 */
public final class LogAuditException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What is wrong. A closed set: switch over it without a default. */
  public enum Kind {
    /** The checkpoint note does not open under the log key. Path: the checkpoint file. */
    BAD_CHECKPOINT_SIGNATURE,
    /** The note verifies but its text is not a checkpoint. Path: the checkpoint file. */
    MALFORMED_CHECKPOINT,
    /** A checkpoint or file exceeds a {@link LogLimits} bound. Index: the size found. */
    TOO_LARGE,
    /**
     * An entry bundle is missing or holds fewer entries than the checkpoint needs. Index: the first
     * missing entry.
     */
    TRUNCATED_LOG,
    /**
     * An entry does not hash to the authentic leaf hash, or a bundle is mis-framed. Index: the
     * entry.
     */
    TAMPERED_ENTRY,
    /** A hash tile is missing. Path: the tile. */
    MISSING_TILE,
    /**
     * A hash tile differs from the one recomputed from the entries. Index: the hash in the tile.
     */
    TAMPERED_TILE,
    /**
     * The entries and the stored level-0 tiles agree with each other but not with the signed root:
     * the log was rewritten wholesale. Index: the tree size.
     */
    ROOT_MISMATCH,
    /** The trusted checkpoint is not a prefix of this log. Index: the trusted tree size. */
    FORK,
    /** A file could not be read for a reason other than its absence. */
    UNREADABLE,
  }

  private final Kind kind;
  private final String path;
  private final long index;

  LogAuditException(Kind kind, String path, long index, String detail) {
    this(kind, path, index, detail, null);
  }

  LogAuditException(Kind kind, String path, long index, String detail, Throwable cause) {
    super(
        kind.name() + " at " + path + (index < 0 ? "" : " [" + index + "]") + ": " + detail, cause);
    this.kind = kind;
    this.path = path;
    this.index = index;
  }

  public Kind kind() {
    return kind;
  }

  /** The file at fault, relative to the log root ({@code tile/entries/001.p/3}); empty if none. */
  public Optional<String> path() {
    return path.isEmpty() ? Optional.empty() : Optional.of(path);
  }

  /** The index the {@link Kind} documents (entry index, hash index or tree size); may be absent. */
  public OptionalLong index() {
    return index < 0 ? OptionalLong.empty() : OptionalLong.of(index);
  }
}
