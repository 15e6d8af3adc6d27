package dev.writ.log;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The log a server appends to and serves from: its entries and the hash of every complete subtree
 * of its RFC 9162 Merkle tree (every level), so roots, inclusion and consistency proofs for any
 * earlier size, c2sp.org/tlog-tiles hash tiles and entry bundles are read without recomputing the
 * tree.
 *
 * <p>Storage is flat: entries back to back in 512 KiB chunks (each framed with its 2-byte length,
 * as in an entry bundle), an 8-byte position per entry, and per tree level {@code h} the {@code
 * size >> h} complete-subtree hashes in 128 KiB chunks; no object per entry or hash. Heap per leaf
 * is about 76 bytes plus the entry: 32 for the leaf hash, 32 for the hashes of all levels above it
 * together, 8 for the position, 2 for the length prefix and a little for unused chunk tails.
 * Measured: 276 bytes per leaf for one million 200-byte entries (276 MB; live heap after a full GC,
 * G1 and Serial collectors, JDK 25).
 *
 * <p>Costs: {@link #append} is amortized O(1) hashes (two SHA-256 on average, at most 64); {@link
 * #root}, {@link #inclusionProof} and {@link #consistencyProof} are O(log n) reads and hashes;
 * {@link #tile} and {@link #entryBundle} copy at most 8 KiB and one bundle.
 *
 * <p>Thread-safety: one writer, many lock-free readers. {@link #append} must be called by one
 * thread at a time (callers synchronize appends among themselves; the replicated state machine
 * applies commands in order). Every read method may be called from any thread, without locks, for
 * any index and size below or equal to a value {@link #size()} returned: the writer stores an entry
 * and every hash it completes before it publishes the new size with a volatile write, chunks are
 * never changed below a published size, and readers find the chunks through volatile references
 * read after the size. A size read earlier stays valid forever (the log only grows).
 */
public final class AppendOnlyLog {
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  /** Tree levels of a tree below 2^63 leaves: 0 (leaves) to 62. */
  private static final int LEVELS = 63;

  private final EntryArena entries = new EntryArena();
  private final RecordStore positions = new RecordStore(Long.BYTES);

  /**
   * Level {@code h} holds hash {@code j} = MTH of leaves {@code [j 2^h, (j + 1) 2^h)}; created by
   * the writer before the size that needs it is published.
   */
  private final RecordStore[] levels = new RecordStore[LEVELS];

  /** The writer's digest; readers make their own. */
  private final MessageDigest writerDigest = Rfc9162.sha256();

  /** Entries appended and published; written only by the writer, after the data. */
  private volatile long size;

  /** An empty log. */
  public AppendOnlyLog() {
    levels[0] = new RecordStore(LogLimits.HASH_BYTES);
  }

  /**
   * Appends {@code entry} (copied; at most {@link LogLimits#MAX_ENTRY_BYTES} bytes) and returns its
   * index, the size before the call. One writer at a time (see the class comment).
   *
   * @throws IllegalArgumentException if the entry is too long
   */
  public long append(byte[] entry) {
    Objects.requireNonNull(entry, "entry");
    if (entry.length > LogLimits.MAX_ENTRY_BYTES) {
      throw new IllegalArgumentException(
          "an entry is at most " + LogLimits.MAX_ENTRY_BYTES + " bytes, got " + entry.length);
    }
    long index = size;
    if (index == Long.MAX_VALUE) {
      throw new IllegalStateException("the log is full");
    }
    long position = entries.add(entry);
    positions.putLong(index, position);
    MessageDigest md = writerDigest;
    // hash the stored copy, so the leaf hash is of exactly the bytes served
    md.update(LEAF_PREFIX);
    entries.update(md, position);
    levels[0].digestInto(index, md);
    long i = index;
    for (int h = 0; (i & 1) == 1; h++, i >>>= 1) {
      RecordStore lower = levels[h];
      RecordStore upper = levels[h + 1];
      if (upper == null) {
        upper = new RecordStore(LogLimits.HASH_BYTES);
        levels[h + 1] = upper;
      }
      md.update(NODE_PREFIX);
      lower.update(md, i - 1);
      lower.update(md, i);
      upper.digestInto(i >>> 1, md);
    }
    size = index + 1;
    return index;
  }

  /** Entries in the log; every read method accepts sizes up to this value. */
  public long size() {
    return size;
  }

  /** A copy of entry {@code index}. */
  public byte[] entry(long index) {
    checkIndex(index, size);
    return entries.get(positions.getLong(index));
  }

  /** The RFC 9162 leaf hash of entry {@code index}. */
  public byte[] leafHash(long index) {
    checkIndex(index, size);
    return levels[0].get(index);
  }

  /** The root of the first {@code treeSize} entries (the empty tree's root for 0). */
  public byte[] root(long treeSize) {
    checkSize(treeSize);
    return treeSize == 0 ? Rfc9162.emptyRoot() : new Hasher().range(0, treeSize);
  }

  /** The audit path of leaf {@code index} in the tree of the first {@code treeSize} entries. */
  public List<byte[]> inclusionProof(long index, long treeSize) {
    checkSize(treeSize);
    if (index < 0 || index >= treeSize) {
      throw new IllegalArgumentException(
          "index " + index + " is not in a tree of size " + treeSize);
    }
    List<byte[]> out = new ArrayList<>();
    new Hasher().path(index, 0, treeSize, out);
    return List.copyOf(out);
  }

  /**
   * The consistency proof from the first {@code size1} entries to the first {@code size2}; empty
   * when the sizes are equal. A proof from size 0 does not exist.
   */
  public List<byte[]> consistencyProof(long size1, long size2) {
    checkSize(size2);
    if (size1 < 0 || size1 > size2) {
      throw new IllegalArgumentException("old size " + size1 + " is not in 0.." + size2);
    }
    if (size1 == 0) {
      throw new IllegalArgumentException("no consistency proof from the empty tree");
    }
    if (size1 == size2) {
      return List.of();
    }
    List<byte[]> out = new ArrayList<>();
    new Hasher().subproof(size1, 0, size2, true, out);
    return List.copyOf(out);
  }

  /**
   * The bytes of hash tile {@code t} (its {@code width} hashes), if the log has at least that many
   * hashes at that position: a partial tile narrower than what the log has there is served too, as
   * c2sp.org/tlog-tiles allows. Empty if the log is too short.
   */
  public Optional<byte[]> tile(Tile t) {
    int h = Tile.HEIGHT * t.level();
    long count = size >>> h;
    if (!covers(count, t)) {
      return Optional.empty();
    }
    return Optional.of(levels[h].copy(t.index() * Tile.WIDTH, t.width()));
  }

  /**
   * The entry bundle at the position of level-0 tile {@code t} (its {@code width} entries, each
   * with its big-endian uint16 length), on the same terms as {@link #tile}.
   *
   * @throws IllegalArgumentException if {@code t} is not a level-0 tile
   */
  public Optional<byte[]> entryBundle(Tile t) {
    if (t.level() != 0) {
      throw new IllegalArgumentException("entry bundles exist only for level-0 tiles");
    }
    if (!covers(size, t)) {
      return Optional.empty();
    }
    long first = t.index() * Tile.WIDTH;
    int total = 0;
    for (int i = 0; i < t.width(); i++) {
      total += entries.framedLength(positions.getLong(first + i));
    }
    byte[] out = new byte[total];
    int at = 0;
    for (int i = 0; i < t.width(); i++) {
      at += entries.copyFramed(positions.getLong(first + i), out, at);
    }
    return Optional.of(out);
  }

  /** The stored hash of the complete subtree {@code index} at tree level {@code level}; tests. */
  byte[] subtreeHash(int level, long index) {
    long count = size >>> level;
    if (level < 0 || level >= LEVELS || index < 0 || index >= count) {
      throw new IllegalArgumentException("no complete subtree " + index + " at level " + level);
    }
    return levels[level].get(index);
  }

  /** Bytes of heap held in chunks (the entries, positions and hashes), for measurements. */
  long allocatedBytes() {
    long n = entries.allocatedBytes() + positions.allocatedBytes();
    for (RecordStore level : levels) {
      n += level == null ? 0 : level.allocatedBytes();
    }
    return n;
  }

  /** True when a level with {@code count} hashes has every hash of tile {@code t}. */
  private static boolean covers(long count, Tile t) {
    return t.index() <= count / Tile.WIDTH && t.index() * Tile.WIDTH + t.width() <= count;
  }

  private static void checkIndex(long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("index " + index + " is not in 0.." + (size - 1));
    }
  }

  private void checkSize(long treeSize) {
    long s = size;
    if (treeSize < 0 || treeSize > s) {
      throw new IllegalArgumentException("size " + treeSize + " is not in 0.." + s);
    }
  }

  /**
   * One reader's hashing, with its own digest. Ranges {@code [lo, lo + n)} passed around always
   * start at a multiple of the smallest power of two at least {@code n} (true of the root and of
   * both halves of every RFC 9162 split), so they are unions of stored complete subtrees.
   */
  private final class Hasher {
    private final MessageDigest md = Rfc9162.sha256();

    /** MTH of leaves [lo, lo + n), n at least 1: the stored subtree, or a fold of its pieces. */
    byte[] range(long lo, long n) {
      int k = 63 - Long.numberOfLeadingZeros(n);
      if (n == 1L << k) {
        return levels[k].get(lo >>> k);
      }
      long left = 1L << k;
      byte[] right = range(lo + left, n - left);
      md.update(NODE_PREFIX);
      levels[k].update(md, lo >>> k);
      md.update(right);
      return md.digest();
    }

    /**
     * PATH(m, leaves [lo, lo + n)), m relative to lo. Only one sibling along a path can be a range
     * that is not a stored subtree (the right part where the path first turns left on the right
     * edge), so a path costs O(log n) hashes.
     */
    void path(long m, long lo, long n, List<byte[]> out) {
      if (n == 1) {
        return;
      }
      long k = Long.highestOneBit(n - 1);
      if (m < k) {
        path(m, lo, k, out);
        out.add(range(lo + k, n - k));
      } else {
        path(m - k, lo + k, n - k, out);
        out.add(range(lo, k));
      }
    }

    /** SUBPROOF(m, leaves [lo, lo + n), complete), m relative to lo. */
    void subproof(long m, long lo, long n, boolean complete, List<byte[]> out) {
      if (m == n) {
        if (!complete) {
          out.add(range(lo, n));
        }
        return;
      }
      long k = Long.highestOneBit(n - 1);
      if (m <= k) {
        subproof(m, lo, k, complete, out);
        out.add(range(lo + k, n - k));
      } else {
        subproof(m - k, lo + k, n - k, false, out);
        out.add(range(lo, k));
      }
    }
  }
}
