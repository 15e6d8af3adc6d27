package dev.writ.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a log as c2sp.org/tlog-tiles files under a root folder: the entry bundles {@code
 * tile/entries/<N>[.p/<W>]}, the hash tiles {@code tile/<L>/<N>[.p/<W>]} and, last, the signed
 * {@code checkpoint}. Every file is written atomically (temporary file and rename), and the
 * checkpoint only after every tile it needs, so a reader that sees a checkpoint finds its tiles.
 *
 * <p>This slice rebuilds the whole tree from the full list of entries on every call; it rewrites
 * full tiles with the same bytes and replaces partial ones. It does not delete stale partial tiles
 * of earlier sizes (tlog-tiles allows serving them) and does not append incrementally.
 *
 * <p>Stateless; not safe for two writers on the same folder at once.
 */
public final class TileWriter {
  /** The checkpoint's path relative to the log root (tlog-tiles: {@code <prefix>/checkpoint}). */
  public static final String CHECKPOINT_PATH = "checkpoint";

  private TileWriter() {}

  /**
   * Writes the log of {@code entries} (each at most {@link LogLimits#MAX_ENTRY_BYTES}) under {@code
   * root} and returns its checkpoint, signed by {@code signer} with origin {@code origin}.
   */
  public static byte[] write(Path root, String origin, List<byte[]> entries, LogKeySigner signer)
      throws IOException {
    List<byte[]> leafHashes = new ArrayList<>(entries.size());
    for (byte[] e : entries) {
      leafHashes.add(Rfc9162.leafHash(e));
    }
    List<Tile> tiles = Tile.forTree(entries.size());
    for (Tile t : tiles) {
      if (t.level() == 0) {
        int start = Math.toIntExact(t.index() * Tile.WIDTH);
        byte[] bundle = EntryBundles.encode(entries.subList(start, start + t.width()));
        LogFiles.writeAtomically(root, t.entriesPath(), bundle);
      }
    }
    TileHashes hashes = TileHashes.of(leafHashes);
    for (Tile t : tiles) {
      LogFiles.writeAtomically(root, t.path(), hashes.content(t));
    }
    byte[] rootHash = MerkleTree.ofLeafHashes(leafHashes).root();
    Checkpoint checkpoint = Checkpoint.of(origin, entries.size(), rootHash, List.of());
    byte[] note = signer.sign(checkpoint.format());
    LogFiles.writeAtomically(root, CHECKPOINT_PATH, note);
    return note;
  }
}
