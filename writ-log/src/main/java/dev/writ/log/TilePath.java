package dev.writ.log;

import java.util.Objects;
import java.util.Optional;

/**
 * A c2sp.org/tlog-tiles resource path, parsed: a hash tile {@code tile/<L>/<N>[.p/<W>]} or an entry
 * bundle {@code tile/entries/<N>[.p/<W>]}, relative to the log's prefix (no leading slash).
 *
 * <p>{@link #parse} accepts exactly the paths {@link Tile#path()} and {@link Tile#entriesPath()}
 * write, and only for tiles that can exist in a tree of fewer than 2^63 leaves: {@code L} is {@code
 * 0} to {@link Tile#MAX_LEVEL} without leading zeros; {@code N} is groups of three ASCII digits,
 * every group but the last prefixed with {@code x}, with no leading {@code x000} group (the one
 * spelling of each number); {@code W} is 1 to 255 without leading zeros. Anything else, including
 * numbers that overflow, {@code .p/0}, {@code .p/256}, a trailing slash, {@code ..} or a leading
 * {@code /}, is empty. Never throws.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind hash tile or entry bundle
 * @param tile the tile (level 0 for an entry bundle)
 */
public record TilePath(Kind kind, Tile tile) {
  /** What a tile path names. A closed set: switch over it without a default. */
  public enum Kind {
    /** {@code tile/<L>/<N>[.p/<W>]}: hashes. */
    HASHES,
    /** {@code tile/entries/<N>[.p/<W>]}: the entries of level-0 tile {@code N}. */
    ENTRIES,
  }

  private static final String PREFIX = "tile/";
  private static final String ENTRIES_SEGMENT = "entries/";
  private static final String PARTIAL = ".p/";

  /**
   * The longest path parsed: {@code tile/entries/} (13), seven index groups ({@code Long.MAX_VALUE}
   * has 19 digits: 6 groups of {@code xddd/} and one of {@code ddd}, 33) and {@code .p/255} (6).
   */
  static final int MAX_PATH_CHARS = 13 + 33 + 6;

  /** Index groups of three digits in a number below 2^63 (19 digits). */
  private static final int MAX_GROUPS = 7;

  public TilePath {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(tile, "tile");
    if (kind == Kind.ENTRIES && tile.level() != 0) {
      throw new IllegalArgumentException("entry bundles exist only for level-0 tiles");
    }
  }

  /** The path, as tlog-tiles spells it. */
  public String path() {
    return switch (kind) {
      case HASHES -> tile.path();
      case ENTRIES -> tile.entriesPath();
    };
  }

  /** The tile or bundle {@code path} names, or empty if it is not exactly a tlog-tiles path. */
  public static Optional<TilePath> parse(String path) {
    if (path.length() > MAX_PATH_CHARS || !path.startsWith(PREFIX)) {
      return Optional.empty();
    }
    Cursor c = new Cursor(path, PREFIX.length());
    Kind kind;
    int level;
    if (path.startsWith(ENTRIES_SEGMENT, c.pos)) {
      kind = Kind.ENTRIES;
      level = 0;
      c.pos += ENTRIES_SEGMENT.length();
    } else {
      kind = Kind.HASHES;
      level = c.digit();
      if (level < 0 || level > Tile.MAX_LEVEL || !c.skip('/')) {
        return Optional.empty();
      }
    }
    long index = c.index();
    if (index < 0) {
      return Optional.empty();
    }
    int width = Tile.WIDTH;
    if (c.pos < path.length()) {
      if (!path.startsWith(PARTIAL, c.pos)) {
        return Optional.empty();
      }
      c.pos += PARTIAL.length();
      width = c.width();
      if (width < 1) {
        return Optional.empty();
      }
    }
    if (c.pos != path.length() || !fitsATree(level, index, width)) {
      return Optional.empty();
    }
    Tile tile = new Tile(level, index, width);
    String canonical = kind == Kind.ENTRIES ? tile.entriesPath() : tile.path();
    return canonical.equals(path) ? Optional.of(new TilePath(kind, tile)) : Optional.empty();
  }

  /** True when the tile's last hash is within a tree level of a tree below 2^63 leaves. */
  private static boolean fitsATree(int level, long index, int width) {
    long hashes = Long.MAX_VALUE >>> (Tile.HEIGHT * level);
    return width <= hashes && index <= (hashes - width) / Tile.WIDTH;
  }

  /** A position in the path and the small readers of its parts; each returns -1 on a mismatch. */
  private static final class Cursor {
    private final String s;
    private int pos;

    Cursor(String s, int pos) {
      this.s = s;
      this.pos = pos;
    }

    boolean skip(char ch) {
      if (pos < s.length() && s.charAt(pos) == ch) {
        pos++;
        return true;
      }
      return false;
    }

    /** One ASCII digit. */
    int digit() {
      if (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        return s.charAt(pos++) - '0';
      }
      return -1;
    }

    /** {@code (xddd/)* ddd}, at most {@link #MAX_GROUPS} groups, without overflow. */
    long index() {
      long n = 0;
      for (int group = 0; group < MAX_GROUPS; group++) {
        boolean more = skip('x');
        int g = 0;
        for (int i = 0; i < 3; i++) {
          int d = digit();
          if (d < 0) {
            return -1;
          }
          g = g * 10 + d;
        }
        if (n > (Long.MAX_VALUE - g) / 1000) {
          return -1;
        }
        n = n * 1000 + g;
        if (!more) {
          return n;
        }
        if (!skip('/')) {
          return -1;
        }
      }
      return -1;
    }

    /** A width: 1 to 3 digits, no leading zero, 1 to 255. */
    int width() {
      int start = pos;
      int w = 0;
      while (pos < s.length() && pos - start < 3) {
        int d = digit();
        if (d < 0) {
          break;
        }
        w = w * 10 + d;
      }
      boolean leadingZero = pos - start > 0 && s.charAt(start) == '0';
      if (pos == start || leadingZero || w > Tile.WIDTH - 1) {
        return -1;
      }
      return w;
    }
  }
}
