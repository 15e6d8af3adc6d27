package dev.writ.log;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The hashes of every tile level of a tree, recomputed from its leaf hashes (c2sp.org/tlog-tiles):
 * level 0 is the leaf hashes; hash {@code j} of level {@code L + 1} is the Merkle tree hash of
 * hashes {@code 256 j .. 256 j + 255} of level {@code L}, so only full tiles feed the level above.
 *
 * <p>Immutable; the arrays it hands out are its own, callers must not change them.
 */
final class TileHashes {
  private final List<List<byte[]>> levels;

  private TileHashes(List<List<byte[]>> levels) {
    this.levels = levels;
  }

  static TileHashes of(List<byte[]> leafHashes) {
    List<List<byte[]>> levels = new ArrayList<>();
    List<byte[]> current = List.copyOf(leafHashes);
    while (!current.isEmpty() && levels.size() <= Tile.MAX_LEVEL) {
      levels.add(current);
      List<byte[]> next = new ArrayList<>(current.size() / Tile.WIDTH);
      for (int start = 0; start + Tile.WIDTH <= current.size(); start += Tile.WIDTH) {
        next.add(perfectRoot(current.subList(start, start + Tile.WIDTH)));
      }
      current = next;
    }
    return new TileHashes(levels);
  }

  /** The content of {@code tile}: its {@code width} hashes, concatenated. */
  byte[] content(Tile tile) {
    List<byte[]> level = levels.get(tile.level());
    int start = Math.toIntExact(tile.index() * Tile.WIDTH);
    ByteArrayOutputStream out = new ByteArrayOutputStream(tile.width() * LogLimits.HASH_BYTES);
    for (int i = 0; i < tile.width(); i++) {
      out.writeBytes(level.get(start + i));
    }
    return out.toByteArray();
  }

  /** Root of a power-of-two count of hashes: hash pairs level by level. */
  private static byte[] perfectRoot(List<byte[]> hashes) {
    List<byte[]> row = hashes;
    while (row.size() > 1) {
      List<byte[]> up = new ArrayList<>(row.size() / 2);
      for (int i = 0; i < row.size(); i += 2) {
        up.add(Rfc9162.nodeHash(row.get(i), row.get(i + 1)));
      }
      row = up;
    }
    return row.get(0);
  }
}
