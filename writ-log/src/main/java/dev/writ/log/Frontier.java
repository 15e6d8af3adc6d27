package dev.writ.log;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The right edge of an RFC 9162 tree built one leaf hash at a time (a compact range from 0): for
 * every set bit {@code h} of the size, the root of the complete subtree of {@code 2^h} leaves that
 * bit stands for. That is enough for the root of the tree so far, in constant memory (64 hashes).
 * Each complete subtree at a tile level ({@code h = 8 L}, {@code L >= 1}) is handed to a {@link
 * TileSink} as it completes: those are exactly the hashes of tlog-tiles tiles above level 0.
 *
 * <p>Not thread-safe: one replay owns it.
 */
final class Frontier {
  /** Receives the hash of each complete subtree at a tile level above 0, in order per level. */
  interface TileSink {
    void accept(int tileLevel, long index, byte[] hash, int offset) throws LogAuditException;
  }

  private static final int H = LogLimits.HASH_BYTES;
  private static final int LEVELS = 64;

  private final MessageDigest md = Rfc9162.sha256();
  private final byte[] pending;
  private final byte[] carry = new byte[H];
  private long size;

  Frontier() {
    this(new byte[LEVELS * H], 0);
  }

  private Frontier(byte[] pending, long size) {
    this.pending = pending;
    this.size = size;
  }

  /** An independent copy, to be fed other leaves from here on. */
  Frontier copy() {
    return new Frontier(pending.clone(), size);
  }

  long size() {
    return size;
  }

  /** Appends the leaf hash {@code leaf[offset .. offset + 32)}; reports completed tile hashes. */
  void append(byte[] leaf, int offset, TileSink sink) throws LogAuditException {
    System.arraycopy(leaf, offset, carry, 0, H);
    long n = size;
    int h = 0;
    while (((n >>> h) & 1) == 1) {
      md.update((byte) 0x01);
      md.update(pending, h * H, H);
      md.update(carry, 0, H);
      digestInto(carry);
      h++;
      if (h % Tile.HEIGHT == 0) {
        sink.accept(h / Tile.HEIGHT, ((n + 1) >>> h) - 1, carry, 0);
      }
    }
    System.arraycopy(carry, 0, pending, h * H, H);
    size = n + 1;
  }

  /** The root of the leaves appended so far (the empty tree's root for none). */
  byte[] root() {
    if (size == 0) {
      return Rfc9162.emptyRoot();
    }
    int low = Long.numberOfTrailingZeros(size);
    byte[] r = Arrays.copyOfRange(pending, low * H, (low + 1) * H);
    for (int h = low + 1; h < LEVELS; h++) {
      if (((size >>> h) & 1) == 1) {
        md.update((byte) 0x01);
        md.update(pending, h * H, H);
        md.update(r);
        digestInto(r);
      }
    }
    return r;
  }

  private void digestInto(byte[] out) {
    try {
      md.digest(out, 0, H);
    } catch (DigestException e) {
      throw new LogBugException("a 32-byte buffer holds a SHA-256 digest", e);
    }
  }
}
