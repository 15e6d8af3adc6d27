package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays a c2sp.org/tlog-tiles log from a folder and checks, in this order: the checkpoint opens
 * under the log key and parses; its size is within {@link LogLimits#MAX_AUDIT_TREE_SIZE}; a trusted
 * checkpoint, if given, opens under the same key, has the same origin and is not larger; every
 * entry bundle the size needs is there, well framed and complete; every hash tile is there with the
 * right length; the root recomputed from the entries equals the signed root; every stored tile
 * equals the tile recomputed from the entries; the recomputed tree is consistent with the trusted
 * checkpoint (RFC 9162 consistency proof). Void-or-throw: the first failure is thrown.
 *
 * <p>Reads only files the checkpoint size requires, each bounded by {@link LogLimits}. Stateless
 * and thread-safe; the folder must not change during an audit.
 */
public final class LogAuditor {
  private LogAuditor() {}

  /**
   * Audits the log under {@code root} against {@code key}, and against {@code trustedCheckpoint} (a
   * signed checkpoint note seen before) when present.
   */
  public static AuditedLog verify(
      Path root, NoteVerifierKey key, Optional<String> trustedCheckpoint) throws LogAuditException {
    byte[] note =
        LogFiles.readBounded(root, TileWriter.CHECKPOINT_PATH, LogLimits.MAX_NOTE_BYTES)
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
    List<byte[]> leafHashes = LeafReader.readLeafHashes(root, checkpoint.size());
    Map<Tile, byte[]> stored = readTiles(root, checkpoint.size());
    MerkleTree tree = MerkleTree.ofLeafHashes(leafHashes);
    checkRoot(tree, leafHashes, checkpoint, stored);
    checkTiles(TileHashes.of(leafHashes), stored, checkpoint.size());
    if (trusted.isPresent()) {
      TreeConsistency.check(tree, trusted.get(), checkpoint);
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

  private static Map<Tile, byte[]> readTiles(Path root, long size) throws LogAuditException {
    Map<Tile, byte[]> out = new HashMap<>();
    for (Tile t : Tile.forTree(size)) {
      byte[] bytes =
          LogFiles.readBounded(root, t.path(), LogLimits.MAX_TILE_BYTES)
              .orElseThrow(() -> new LogAuditException(Kind.MISSING_TILE, t.path(), -1, "missing"));
      int expected = t.width() * LogLimits.HASH_BYTES;
      if (bytes.length != expected) {
        throw new LogAuditException(
            Kind.TAMPERED_TILE,
            t.path(),
            Math.min(bytes.length, expected) / LogLimits.HASH_BYTES,
            bytes.length + " bytes, not " + expected);
      }
      out.put(t, bytes);
    }
    return out;
  }

  /**
   * The root from the entries must be the signed one. If not, and the stored level-0 tiles do give
   * the signed root, they are authentic and the first entry that differs from them is tampered;
   * otherwise entries and tiles were rewritten together and no single entry can be blamed.
   */
  private static void checkRoot(
      MerkleTree tree, List<byte[]> leafHashes, Checkpoint checkpoint, Map<Tile, byte[]> stored)
      throws LogAuditException {
    byte[] signed = checkpoint.root();
    if (MessageDigest.isEqual(tree.root(), signed)) {
      return;
    }
    List<Tile> leafTiles =
        Tile.forTree(checkpoint.size()).stream().filter(t -> t.level() == 0).toList();
    List<byte[]> storedLeaves = new ArrayList<>(leafHashes.size());
    for (Tile t : leafTiles) {
      for (int i = 0; i < t.width(); i++) {
        storedLeaves.add(hashAt(stored.get(t), i));
      }
    }
    if (MessageDigest.isEqual(MerkleTree.ofLeafHashes(storedLeaves).root(), signed)) {
      for (Tile t : leafTiles) {
        for (int i = 0; i < t.width(); i++) {
          int entry = Math.toIntExact(t.index() * Tile.WIDTH + i);
          if (!MessageDigest.isEqual(storedLeaves.get(entry), leafHashes.get(entry))) {
            throw new LogAuditException(
                Kind.TAMPERED_ENTRY,
                t.entriesPath(),
                entry,
                "entry does not hash to leaf " + i + " of " + t.path() + ", which the root signs");
          }
        }
      }
    }
    throw new LogAuditException(
        Kind.ROOT_MISMATCH,
        TileWriter.CHECKPOINT_PATH,
        checkpoint.size(),
        "entries and level-0 tiles do not give the signed root");
  }

  /** Every stored tile must equal the recomputed one; the first differing hash is reported. */
  private static void checkTiles(TileHashes expected, Map<Tile, byte[]> stored, long size)
      throws LogAuditException {
    for (Tile t : Tile.forTree(size)) {
      byte[] want = expected.content(t);
      byte[] got = stored.get(t);
      for (int i = 0; i < t.width(); i++) {
        if (!MessageDigest.isEqual(hashAt(want, i), hashAt(got, i))) {
          throw new LogAuditException(
              Kind.TAMPERED_TILE, t.path(), i, "hash differs from the one the entries give");
        }
      }
    }
  }

  private static byte[] hashAt(byte[] tile, int i) {
    return Arrays.copyOfRange(tile, i * LogLimits.HASH_BYTES, (i + 1) * LogLimits.HASH_BYTES);
  }
}
