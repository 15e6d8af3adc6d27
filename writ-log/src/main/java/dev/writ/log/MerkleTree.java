package dev.writ.log;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory list of leaf hashes with RFC 9162 root (MTH, section 2.1.1), inclusion proof (PATH,
 * section 2.1.3.1) and consistency proof (PROOF, section 2.1.4.1) generation over any prefix of it.
 * Recomputes subtree hashes on every call: meant for tests, replays and small trees, not for
 * serving a large log.
 *
 * <p>Immutable and thread-safe.
 */
public final class MerkleTree {
  private final List<byte[]> leaves;

  private MerkleTree(List<byte[]> leaves) {
    this.leaves = leaves;
  }

  /** A tree of these leaf hashes (each 32 bytes), in order. */
  public static MerkleTree ofLeafHashes(List<byte[]> leafHashes) {
    List<byte[]> copy = new ArrayList<>(leafHashes.size());
    for (byte[] h : leafHashes) {
      if (h.length != LogLimits.HASH_BYTES) {
        throw new IllegalArgumentException("a leaf hash is 32 bytes, got " + h.length);
      }
      copy.add(h.clone());
    }
    return new MerkleTree(List.copyOf(copy));
  }

  public long size() {
    return leaves.size();
  }

  /** The root of the whole tree. */
  public byte[] root() {
    return root(size());
  }

  /** The root of the first {@code size} leaves (the empty tree's root for 0). */
  public byte[] root(long size) {
    checkSize(size);
    return size == 0 ? Rfc9162.emptyRoot() : hash(0, (int) size);
  }

  /** The audit path of leaf {@code index} in the tree of the first {@code size} leaves. */
  public List<byte[]> inclusionProof(long index, long size) {
    checkSize(size);
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("index " + index + " is not in a tree of size " + size);
    }
    List<byte[]> out = new ArrayList<>();
    path((int) index, 0, (int) size, out);
    return List.copyOf(out);
  }

  /**
   * The consistency proof from the first {@code size1} leaves to the first {@code size2}; empty
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
    subproof((int) size1, 0, (int) size2, true, out);
    return List.copyOf(out);
  }

  private void checkSize(long size) {
    if (size < 0 || size > leaves.size()) {
      throw new IllegalArgumentException("size " + size + " is not in 0.." + leaves.size());
    }
  }

  /** MTH of leaves[lo, hi), hi > lo. */
  private byte[] hash(int lo, int hi) {
    if (hi - lo == 1) {
      return leaves.get(lo).clone();
    }
    int k = split(hi - lo);
    return Rfc9162.nodeHash(hash(lo, lo + k), hash(lo + k, hi));
  }

  /** PATH(m, leaves[lo, hi)), m relative to lo. */
  private void path(int m, int lo, int hi, List<byte[]> out) {
    if (hi - lo == 1) {
      return;
    }
    int k = split(hi - lo);
    if (m < k) {
      path(m, lo, lo + k, out);
      out.add(hash(lo + k, hi));
    } else {
      path(m - k, lo + k, hi, out);
      out.add(hash(lo, lo + k));
    }
  }

  /** SUBPROOF(m, leaves[lo, hi), b), m relative to lo. */
  private void subproof(int m, int lo, int hi, boolean complete, List<byte[]> out) {
    int n = hi - lo;
    if (m == n) {
      if (!complete) {
        out.add(hash(lo, hi));
      }
      return;
    }
    int k = split(n);
    if (m <= k) {
      subproof(m, lo, lo + k, complete, out);
      out.add(hash(lo + k, hi));
    } else {
      subproof(m - k, lo + k, hi, false, out);
      out.add(hash(lo, lo + k));
    }
  }

  /** The largest power of two strictly below n, n at least 2. */
  private static int split(int n) {
    return Integer.highestOneBit(n - 1);
  }
}
