package dev.writ.log;

import java.util.ArrayList;
import java.util.List;

/**
 * One c2sp.org/tlog-tiles tile: level {@code level} holds the hashes of tree level {@code 8 *
 * level}; tile {@code index} of a level holds hashes {@code 256 * index} up to {@code 256 * index +
 * width - 1} of it. A width below 256 marks a partial tile (the right edge of the tree).
 *
 * @param level the tile level, 0 for leaf hashes; at most {@link #MAX_LEVEL}
 * @param index the tile number within its level
 * @param width hashes in the tile, 1 to {@link #WIDTH}
 */
public record Tile(int level, long index, int width) {
  /** Hashes in a full tile: tlog-tiles fixes the tile height at 8, so 2^8. */
  public static final int WIDTH = 256;

  /** Tree levels spanned by one tile level (tlog-tiles: tile height 8). */
  public static final int HEIGHT = 8;

  /**
   * Highest tile level for a tree size below 2^63 (a Java {@code long}): level 7 covers tree level
   * 56, whose 2^7 possible hashes fit one tile.
   */
  public static final int MAX_LEVEL = 7;

  public Tile {
    if (level < 0 || level > MAX_LEVEL || index < 0 || width < 1 || width > WIDTH) {
      throw new IllegalArgumentException(
          "no tile at level " + level + ", index " + index + ", width " + width);
    }
  }

  /** True for a tile with fewer than 256 hashes. */
  public boolean partial() {
    return width < WIDTH;
  }

  /** The tile's path: {@code tile/<L>/<N>[.p/<W>]}. */
  public String path() {
    return "tile/" + level + "/" + encodeIndex(index) + widthSuffix();
  }

  /** The entry bundle at this position: {@code tile/entries/<N>[.p/<W>]}; level 0 only. */
  public String entriesPath() {
    if (level != 0) {
      throw new IllegalStateException("entry bundles exist only for level-0 tiles");
    }
    return "tile/entries/" + encodeIndex(index) + widthSuffix();
  }

  private String widthSuffix() {
    return partial() ? ".p/" + width : "";
  }

  /**
   * A tile index in tlog-tiles path form: decimal, split into groups of three digits with leading
   * zeros, every group but the last prefixed with {@code x} ({@code 1234067} is {@code
   * x001/x234/067}, {@code 5} is {@code 005}).
   */
  public static String encodeIndex(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("negative tile index " + n);
    }
    String last = String.format(java.util.Locale.ROOT, "%03d", n % 1000);
    StringBuilder prefix = new StringBuilder();
    for (long rest = n / 1000; rest > 0; rest /= 1000) {
      prefix.insert(0, String.format(java.util.Locale.ROOT, "x%03d/", rest % 1000));
    }
    return prefix + last;
  }

  /**
   * The tiles that make up a tree of {@code size} leaves, level by level from 0: at each level
   * every full tile, then the partial tile at the right edge if the level's hash count is not a
   * multiple of 256. Empty for size 0.
   */
  public static List<Tile> forTree(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative tree size " + size);
    }
    List<Tile> tiles = new ArrayList<>();
    for (int level = 0; level <= MAX_LEVEL; level++) {
      long hashes = size >>> (HEIGHT * level);
      if (hashes == 0) {
        break;
      }
      long full = hashes / WIDTH;
      for (long n = 0; n < full; n++) {
        tiles.add(new Tile(level, n, WIDTH));
      }
      int rest = (int) (hashes % WIDTH);
      if (rest > 0) {
        tiles.add(new Tile(level, full, rest));
      }
    }
    return tiles;
  }
}
