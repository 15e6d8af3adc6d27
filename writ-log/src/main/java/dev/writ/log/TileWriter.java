package dev.writ.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a log as c2sp.org/tlog-tiles files under a root folder: the entry bundles {@code
 * tile/entries/<N>[.p/<W>]}, the hash tiles {@code tile/<L>/<N>[.p/<W>]} and, last, the signed
 * {@code checkpoint}. Every file is written atomically (temporary file and rename), and the
 * checkpoint only after every tile it needs, so a reader that sees a checkpoint finds its tiles.
 *
 * <p>Writes are incremental: {@link #append} writes only the bundles and tiles that hold something
 * the previous size did not (new full tiles, the tile that was partial and grew, the new partial
 * tiles). Stale partial tiles of earlier sizes are left in place (tlog-tiles allows serving them).
 *
 * <p>Stateless; not safe for two writers on the same folder at once.
 */
public final class TileWriter {
  /** The checkpoint's path relative to the log root (tlog-tiles: {@code <prefix>/checkpoint}). */
  public static final String CHECKPOINT_PATH = "checkpoint";

  private TileWriter() {}

  /**
   * Writes the whole log of {@code entries} (each at most {@link LogLimits#MAX_ENTRY_BYTES}) under
   * {@code root} and returns its checkpoint, signed by {@code signer} with origin {@code origin}.
   * Rewrites every file the size needs; full tiles of a log that only grew get the same bytes.
   */
  public static byte[] write(Path root, String origin, List<byte[]> entries, LogKeySigner signer)
      throws IOException {
    AppendOnlyLog log = new AppendOnlyLog();
    for (byte[] e : entries) {
      log.append(e);
    }
    return append(root, origin, log, 0, signer);
  }

  /**
   * Brings the folder {@code root}, which holds the tiles of the first {@code previousSize} entries
   * of {@code log} (as this class wrote them; 0 for an empty or new folder), up to the size of
   * {@code log} read once at the start, and returns the new checkpoint, signed by {@code signer}
   * with origin {@code origin}. Writes the bundles and hash tiles that hold an entry or hash beyond
   * {@code previousSize}, then the checkpoint. The folder's earlier contents are not checked.
   *
   * @throws IllegalArgumentException if {@code previousSize} is not in {@code 0..log.size()}
   */
  public static byte[] append(
      Path root, String origin, AppendOnlyLog log, long previousSize, LogKeySigner signer)
      throws IOException {
    long size = log.size();
    if (previousSize < 0 || previousSize > size) {
      throw new IllegalArgumentException("previous size " + previousSize + " is not in 0.." + size);
    }
    for (Tile t : grownTiles(0, previousSize, size)) {
      LogFiles.writeAtomically(root, t.entriesPath(), present(log.entryBundle(t), t));
    }
    for (int level = 0; level <= Tile.MAX_LEVEL; level++) {
      for (Tile t : grownTiles(level, previousSize, size)) {
        LogFiles.writeAtomically(root, t.path(), present(log.tile(t), t));
      }
    }
    Checkpoint checkpoint = Checkpoint.of(origin, size, log.root(size), List.of());
    byte[] note = signer.sign(checkpoint.format());
    LogFiles.writeAtomically(root, CHECKPOINT_PATH, note);
    return note;
  }

  /**
   * The tiles of {@code level} in the tree of {@code size} that hold a hash beyond the {@code
   * before} hashes the level had at size {@code previous}.
   */
  static List<Tile> grownTiles(int level, long previous, long size) {
    int shift = Tile.HEIGHT * level;
    long before = previous >>> shift;
    long hashes = size >>> shift;
    if (hashes == before) {
      return List.of();
    }
    long first = before / Tile.WIDTH;
    long full = hashes / Tile.WIDTH;
    int rest = (int) (hashes % Tile.WIDTH);
    long count = full - first + (rest > 0 ? 1 : 0);
    Tile[] out = new Tile[Math.toIntExact(count)];
    for (int i = 0; i < out.length; i++) {
      long n = first + i;
      out[i] = new Tile(level, n, n < full ? Tile.WIDTH : rest);
    }
    return List.of(out);
  }

  private static byte[] present(java.util.Optional<byte[]> bytes, Tile t) {
    return bytes.orElseThrow(
        () -> new LogBugException("the log has every tile of its size, not " + t.path(), null));
  }
}
