package dev.writ.log;

import dev.writ.log.LogVerificationException.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * RFC 9162 Merkle tree hashing with SHA-256 and the two proof verifiers (sections 2.1.1, 2.1.3.2
 * and 2.1.4.2). Every verifier is void-or-throw: it returns only when the proof holds.
 *
 * <p>Stateless and thread-safe. Hashes are 32-byte arrays; arrays passed in are not kept.
 */
public final class Rfc9162 {
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private Rfc9162() {}

  /** The hash of the empty tree: SHA-256 of no bytes. */
  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  /** The leaf hash of an entry: SHA-256(0x00 || data). */
  public static byte[] leafHash(byte[] data) {
    MessageDigest md = sha256();
    md.update(LEAF_PREFIX);
    md.update(data);
    return md.digest();
  }

  /** The hash of an interior node: SHA-256(0x01 || left || right). */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = sha256();
    md.update(NODE_PREFIX);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /**
   * Checks that {@code leafHash} is the leaf at {@code index} of the tree of {@code size} leaves
   * whose root is {@code root}, given the audit path {@code proof} (RFC 9162 section 2.1.3.2).
   */
  public static void verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws LogVerificationException {
    if (index < 0 || index >= size) {
      throw new LogVerificationException(
          Reason.INDEX_OUT_OF_RANGE, "leaf index " + index + " is not in a tree of size " + size);
    }
    checkProofLength(proof);
    checkHash("leaf hash", leafHash);
    checkHash("root", root);
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (int i = 0; i < proof.size(); i++) {
      byte[] p = proof.get(i);
      checkHash("proof hash " + i, p);
      if (sn == 0) {
        throw new LogVerificationException(
            Reason.BAD_PROOF_SIZE,
            "inclusion proof for index " + index + " in size " + size + " is too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new LogVerificationException(
          Reason.BAD_PROOF_SIZE,
          "inclusion proof for index " + index + " in size " + size + " is too short");
    }
    if (!MessageDigest.isEqual(r, root)) {
      throw new LogVerificationException(
          Reason.INCLUSION_MISMATCH,
          "leaf " + index + " does not lead to the root of the tree of size " + size);
    }
  }

  /**
   * Checks that the tree of {@code size1} leaves with root {@code root1} is a prefix of the tree of
   * {@code size2} leaves with root {@code root2} (RFC 9162 section 2.1.4.2). As upstream
   * transparency-dev/merkle does, a proof from size 0 always fails, even to size 0: it proves
   * nothing. Between equal non-zero sizes the proof must be empty and the roots equal.
   */
  public static void verifyConsistency(
      long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2)
      throws LogVerificationException {
    if (size1 < 0 || size2 < size1) {
      throw new LogVerificationException(
          Reason.INDEX_OUT_OF_RANGE,
          "old size " + size1 + " is not between 0 and new size " + size2);
    }
    if (size1 == 0) {
      throw new LogVerificationException(
          Reason.CONSISTENCY_FROM_EMPTY,
          "a proof from the empty tree to size " + size2 + " proves nothing");
    }
    checkProofLength(proof);
    // Equal sizes compare the roots as given (as upstream does); the hash-size checks come after.
    if (size1 == size2) {
      if (!proof.isEmpty()) {
        throw new LogVerificationException(
            Reason.BAD_PROOF_SIZE, "a proof between equal sizes must be empty");
      }
      if (!MessageDigest.isEqual(root1, root2)) {
        throw new LogVerificationException(
            Reason.CONSISTENCY_MISMATCH, "two roots for the same size " + size1 + " differ");
      }
      return;
    }
    checkHash("old root", root1);
    checkHash("new root", root2);
    if (proof.isEmpty()) {
      throw new LogVerificationException(
          Reason.BAD_PROOF_SIZE, "empty proof from size " + size1 + " to " + size2);
    }
    for (int i = 0; i < proof.size(); i++) {
      checkHash("proof hash " + i, proof.get(i));
    }
    int next = 0;
    byte[] seed;
    if (Long.bitCount(size1) == 1) {
      seed = root1;
    } else {
      seed = proof.get(next++);
    }
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = seed;
    byte[] sr = seed;
    for (; next < proof.size(); next++) {
      byte[] c = proof.get(next);
      if (sn == 0) {
        throw new LogVerificationException(
            Reason.BAD_PROOF_SIZE,
            "consistency proof from " + size1 + " to " + size2 + " is too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new LogVerificationException(
          Reason.BAD_PROOF_SIZE,
          "consistency proof from " + size1 + " to " + size2 + " is too short");
    }
    if (!MessageDigest.isEqual(fr, root1) || !MessageDigest.isEqual(sr, root2)) {
      throw new LogVerificationException(
          Reason.CONSISTENCY_MISMATCH,
          "proof does not connect the roots of sizes " + size1 + " and " + size2);
    }
  }

  private static void checkProofLength(List<byte[]> proof) throws LogVerificationException {
    if (proof.size() > LogLimits.MAX_PROOF_HASHES) {
      throw new LogVerificationException(
          Reason.BAD_PROOF_SIZE,
          proof.size() + " proof hashes, more than " + LogLimits.MAX_PROOF_HASHES);
    }
  }

  private static void checkHash(String what, byte[] hash) throws LogVerificationException {
    if (hash.length != LogLimits.HASH_BYTES) {
      throw new LogVerificationException(
          Reason.BAD_HASH_SIZE, what + " has " + hash.length + " bytes, not 32");
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new LogBugException("SHA-256 is mandatory in every JDK", e);
    }
  }
}
