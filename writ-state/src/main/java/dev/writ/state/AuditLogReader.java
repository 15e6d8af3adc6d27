package dev.writ.state;

import dev.writ.log.Tile;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Read access to the audit log as this process's replica has applied it: the leaves, the RFC 9162
 * tree over them and its c2sp.org/tlog-tiles view. Every replica holds the same leaves at the same
 * positions; a follower may be behind the leader for a moment, which {@link #awaitSize} covers.
 *
 * <p>Thread-safe; reads take no lock. Callers ask about sizes at most a {@link #size()} they read.
 */
public interface AuditLogReader {
  /** Leaves applied so far. */
  long size();

  /** The entry bytes (canonical decision record) of leaf {@code index}. */
  byte[] entry(long index);

  /** Leaf {@code index} with its bytes, for a receipt. */
  default AuditLeaf leaf(long index) {
    return new AuditLeaf(index, entry(index));
  }

  /** The RFC 9162 root of the first {@code size} leaves. */
  byte[] root(long size);

  /** The RFC 9162 audit path of leaf {@code index} in the tree of the first {@code size}. */
  List<byte[]> inclusionProof(long index, long size);

  /**
   * The RFC 9162 consistency proof from the tree of the first {@code size1} leaves to that of the
   * first {@code size2} ({@code 1 <= size1 <= size2 <= size()}); empty when they are equal.
   */
  List<byte[]> consistencyProof(long size1, long size2);

  /** A hash tile, if the applied tree has it. */
  Optional<byte[]> tile(Tile tile);

  /** A level-0 entry bundle, if the applied tree has it. */
  Optional<byte[]> entryBundle(Tile tile);

  /**
   * Waits until at least {@code size} leaves are applied here.
   *
   * @return false if {@code timeout} passed first
   */
  boolean awaitSize(long size, Duration timeout) throws InterruptedException;
}
