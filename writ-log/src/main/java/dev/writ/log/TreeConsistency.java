package dev.writ.log;

import dev.writ.log.LogAuditException.Kind;
import java.security.MessageDigest;

/** The fork check of an audit: the replayed tree must extend a checkpoint trusted before. */
final class TreeConsistency {
  private TreeConsistency() {}

  /**
   * Generates the RFC 9162 consistency proof from the trusted size to the current one out of the
   * replayed {@code tree} (whose root already equals {@code current}'s) and verifies it against the
   * two signed roots. A trusted size of 0 needs no proof, only the empty tree's root.
   */
  static void check(MerkleTree tree, Checkpoint trusted, Checkpoint current)
      throws LogAuditException {
    long oldSize = trusted.size();
    if (oldSize == 0) {
      if (!MessageDigest.isEqual(trusted.root(), Rfc9162.emptyRoot())) {
        throw fork(trusted, "trusted checkpoint of size 0 has a root other than the empty tree's");
      }
      return;
    }
    try {
      Rfc9162.verifyConsistency(
          oldSize,
          current.size(),
          tree.consistencyProof(oldSize, current.size()),
          trusted.root(),
          current.root());
    } catch (LogVerificationException e) {
      throw new LogAuditException(
          Kind.FORK,
          TileWriter.CHECKPOINT_PATH,
          oldSize,
          "the first " + oldSize + " entries do not give the trusted root: " + e.getMessage(),
          e);
    }
  }

  private static LogAuditException fork(Checkpoint trusted, String detail) {
    return new LogAuditException(Kind.FORK, TileWriter.CHECKPOINT_PATH, trusted.size(), detail);
  }
}
