package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Replays a c2sp.org/tlog-tiles log from a {@link LogSource} (a folder or HTTP) and checks, in this
 * order: the checkpoint opens under the log key and parses; its size is within {@link
 * LogLimits#MAX_AUDIT_TREE_SIZE}; a trusted checkpoint, if given, opens under the same key, has the
 * same origin and is not larger; then, in one pass, level-0 tile by level-0 tile, every entry
 * bundle is there and well framed, every hash tile is there with the right length; after the pass,
 * the root recomputed from the entries equals the signed root, every stored tile equals the tile
 * recomputed from the entries, and the first entries give the trusted root. Void-or-throw: the
 * first failure is thrown (docs/spec/log.md section 8 has the table).
 *
 * <p>Streams: heap use does not grow with the log (one bundle of at most 16 MiB, one tile per
 * level, a few KiB of hashes). Reads only the resources the checkpoint size requires, each once and
 * bounded by {@link LogLimits}. Stateless and thread-safe; the log must not change during an audit.
 */
public final class LogAuditor {
  private LogAuditor() {}

  /**
   * Audits the log in folder {@code root}; see {@link #verify(LogSource, NoteVerifierKey,
   * Optional)}.
   */
  public static AuditedLog verify(
      Path root, NoteVerifierKey key, Optional<String> trustedCheckpoint) throws LogAuditException {
    return verify(LogSource.folder(root), key, trustedCheckpoint);
  }

  /**
   * Audits the log {@code source} serves against {@code key}, and against {@code trustedCheckpoint}
   * (a signed checkpoint note seen before) when present. Does not close {@code source}.
   */
  public static AuditedLog verify(
      LogSource source, NoteVerifierKey key, Optional<String> trustedCheckpoint)
      throws LogAuditException {
    byte[] note =
        source
            .read(TileWriter.CHECKPOINT_PATH, LogLimits.MAX_NOTE_BYTES)
            .orElseThrow(
                () ->
                    new LogAuditException(
                        Kind.MALFORMED_CHECKPOINT, TileWriter.CHECKPOINT_PATH, -1, "missing"));
    Checkpoint checkpoint = open(note, key, TileWriter.CHECKPOINT_PATH);
    checkSize(checkpoint);
    Optional<Checkpoint> trusted = Optional.empty();
    if (trustedCheckpoint.isPresent()) {
      Checkpoint t = open(trustedCheckpoint.get().getBytes(StandardCharsets.UTF_8), key, "");
      checkTrustedFits(t, checkpoint);
      trusted = Optional.of(t);
    }
    Replay replay =
        new Replay(source, checkpoint.size(), trusted.map(Checkpoint::size).orElse(-1L));
    replay.run();
    checkRoot(replay, checkpoint);
    checkTiles(replay);
    if (trusted.isPresent()) {
      checkExtends(replay, trusted.get());
    }
    return new AuditedLog(checkpoint, new String(note, StandardCharsets.UTF_8));
  }

  private static Checkpoint open(byte[] note, NoteVerifierKey key, String path)
      throws LogAuditException {
    String what = path.isEmpty() ? "trusted checkpoint: " : "";
    VerifiedNote opened;
    try {
      opened = SignedNotes.open(note, List.of(key));
    } catch (LogVerificationException e) {
      throw new LogAuditException(
          Kind.BAD_CHECKPOINT_SIGNATURE, path, -1, what + e.getMessage(), e);
    }
    try {
      return Checkpoint.parse(opened.text());
    } catch (LogVerificationException e) {
      throw new LogAuditException(Kind.MALFORMED_CHECKPOINT, path, -1, what + e.getMessage(), e);
    }
  }

  private static void checkSize(Checkpoint c) throws LogAuditException {
    if (c.size() > LogLimits.MAX_AUDIT_TREE_SIZE) {
      throw new LogAuditException(
          Kind.TOO_LARGE,
          TileWriter.CHECKPOINT_PATH,
          c.size(),
          "tree size above " + LogLimits.MAX_AUDIT_TREE_SIZE);
    }
  }

  private static void checkTrustedFits(Checkpoint trusted, Checkpoint current)
      throws LogAuditException {
    if (!trusted.origin().equals(current.origin())) {
      throw new LogAuditException(
          Kind.FORK,
          TileWriter.CHECKPOINT_PATH,
          trusted.size(),
          "origin " + current.origin() + " is not the trusted " + trusted.origin());
    }
    if (trusted.size() > current.size()) {
      throw new LogAuditException(
          Kind.FORK,
          TileWriter.CHECKPOINT_PATH,
          trusted.size(),
          "log shrank from trusted size " + trusted.size() + " to " + current.size());
    }
  }

  /**
   * The root from the entries must be the signed one. If not, and the stored level-0 tiles do give
   * the signed root, they are authentic and the first entry that differs from them is tampered;
   * otherwise entries and tiles were rewritten together and no single entry can be blamed.
   */
  private static void checkRoot(Replay replay, Checkpoint checkpoint) throws LogAuditException {
    byte[] signed = checkpoint.root();
    if (MessageDigest.isEqual(replay.entriesRoot(), signed)) {
      return;
    }
    Optional<Replay.Fault> entry = replay.firstTamperedEntry();
    if (entry.isPresent() && MessageDigest.isEqual(replay.storedLeavesRoot(), signed)) {
      throw new LogAuditException(
          Kind.TAMPERED_ENTRY,
          entry.get().path(),
          entry.get().index(),
          "entry does not hash to its leaf in the level-0 tile, which the root signs");
    }
    throw new LogAuditException(
        Kind.ROOT_MISMATCH,
        TileWriter.CHECKPOINT_PATH,
        checkpoint.size(),
        "entries and level-0 tiles do not give the signed root");
  }

  /** Every stored tile must equal the recomputed one; the first differing hash is reported. */
  private static void checkTiles(Replay replay) throws LogAuditException {
    Optional<Replay.Fault> tile = replay.firstTamperedTile();
    if (tile.isPresent()) {
      throw new LogAuditException(
          Kind.TAMPERED_TILE,
          tile.get().path(),
          tile.get().index(),
          "hash differs from the one the entries give");
    }
  }

  /**
   * The first {@code t} entries, replayed, must give the trusted root. The replayed tree's root is
   * the signed current root (checked before), so this is exactly what an RFC 9162 consistency proof
   * from {@code t} to the current size, generated from the replayed tree, would establish.
   */
  private static void checkExtends(Replay replay, Checkpoint trusted) throws LogAuditException {
    byte[] replayed =
        replay
            .rootAtTrustedSize()
            .orElseThrow(
                () ->
                    new LogBugException(
                        "the trusted size was checked against the tree size", null));
    if (!MessageDigest.isEqual(replayed, trusted.root())) {
      throw new LogAuditException(
          Kind.FORK,
          TileWriter.CHECKPOINT_PATH,
          trusted.size(),
          "the first " + trusted.size() + " entries do not give the trusted root");
    }
  }
}
