package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hashing, generation and the negative cases of both verifiers, on a tree of our own. */
class Rfc9162Test {
  private static final int SIZE = 13;
  private static final List<byte[]> LEAVES = leaves(SIZE);
  private static final MerkleTree TREE = MerkleTree.ofLeafHashes(LEAVES);

  private static List<byte[]> leaves(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Rfc9162.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  @Test
  void emptyRoot_isSha256OfNothing() {
    assertThat(HexFormat.of().formatHex(Rfc9162.emptyRoot()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(MerkleTree.ofLeafHashes(List.of()).root()).isEqualTo(Rfc9162.emptyRoot());
  }

  @Test
  void generatedProofs_everyPairUpTo13Leaves_verify() throws LogVerificationException {
    for (int size = 1; size <= SIZE; size++) {
      for (int i = 0; i < size; i++) {
        Rfc9162.verifyInclusion(
            i, size, LEAVES.get(i), TREE.inclusionProof(i, size), TREE.root(size));
      }
      for (int size1 = 1; size1 <= size; size1++) {
        Rfc9162.verifyConsistency(
            size1, size, TREE.consistencyProof(size1, size), TREE.root(size1), TREE.root(size));
      }
    }
  }

  @Test
  void verifyInclusion_tamperedLeaf_failsWithInclusionMismatch() {
    byte[] leaf = LEAVES.get(5).clone();
    leaf[0] ^= 1;
    assertThatThrownBy(
            () -> Rfc9162.verifyInclusion(5, SIZE, leaf, TREE.inclusionProof(5, SIZE), TREE.root()))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INCLUSION_MISMATCH));
  }

  @Test
  void verifyInclusion_otherLeafAtSameIndex_failsWithInclusionMismatch() {
    assertThatThrownBy(
            () ->
                Rfc9162.verifyInclusion(
                    5, SIZE, LEAVES.get(6), TREE.inclusionProof(5, SIZE), TREE.root()))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INCLUSION_MISMATCH));
  }

  @Test
  void verifyInclusion_sizeOfDifferentShape_failsWithBadProofSize() {
    // sizes 9..16 give leaf 5 a path of the same shape (only the root binds the size); 8 does not
    assertThatThrownBy(
            () ->
                Rfc9162.verifyInclusion(
                    5, 8, LEAVES.get(5), TREE.inclusionProof(5, SIZE), TREE.root()))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_PROOF_SIZE));
  }

  @Test
  void verifyInclusion_truncatedProof_failsWithBadProofSize() {
    List<byte[]> proof = TREE.inclusionProof(5, SIZE);
    List<byte[]> truncated = proof.subList(0, proof.size() - 1);
    assertThatThrownBy(
            () -> Rfc9162.verifyInclusion(5, SIZE, LEAVES.get(5), truncated, TREE.root()))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_PROOF_SIZE));
  }

  @Test
  void verifyInclusion_extendedProof_failsWithBadProofSize() {
    List<byte[]> proof = new ArrayList<>(TREE.inclusionProof(5, SIZE));
    proof.add(LEAVES.get(0));
    assertThatThrownBy(() -> Rfc9162.verifyInclusion(5, SIZE, LEAVES.get(5), proof, TREE.root()))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_PROOF_SIZE));
  }

  @Test
  void verifyInclusion_indexAtSize_failsWithIndexOutOfRange() {
    assertThatThrownBy(
            () -> Rfc9162.verifyInclusion(SIZE, SIZE, LEAVES.get(0), List.of(), TREE.root()))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INDEX_OUT_OF_RANGE));
  }

  @Test
  void verifyInclusion_proofOver64Hashes_failsWithBadProofSize() {
    List<byte[]> proof = new ArrayList<>();
    for (int i = 0; i <= LogLimits.MAX_PROOF_HASHES; i++) {
      proof.add(LEAVES.get(0));
    }
    assertThatThrownBy(
            () -> Rfc9162.verifyInclusion(0, Long.MAX_VALUE, LEAVES.get(0), proof, TREE.root()))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_PROOF_SIZE));
  }

  @Test
  void verifyInclusion_shortRoot_failsWithBadHashSize() {
    assertThatThrownBy(
            () ->
                Rfc9162.verifyInclusion(
                    0, SIZE, LEAVES.get(0), TREE.inclusionProof(0, SIZE), new byte[31]))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_HASH_SIZE));
  }

  @Test
  void verifyConsistency_tamperedProofHash_failsWithConsistencyMismatch() {
    List<byte[]> proof = new ArrayList<>(TREE.consistencyProof(5, SIZE));
    byte[] h = proof.get(1).clone();
    h[31] ^= 0x40;
    proof.set(1, h);
    assertThatThrownBy(
            () -> Rfc9162.verifyConsistency(5, SIZE, proof, TREE.root(5), TREE.root(SIZE)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CONSISTENCY_MISMATCH));
  }

  @Test
  void verifyConsistency_forkedOldRoot_failsWithConsistencyMismatch() {
    byte[] forked = MerkleTree.ofLeafHashes(leaves(6).subList(1, 6)).root();
    assertThatThrownBy(
            () ->
                Rfc9162.verifyConsistency(
                    5, SIZE, TREE.consistencyProof(5, SIZE), forked, TREE.root(SIZE)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CONSISTENCY_MISMATCH));
  }

  @Test
  void verifyConsistency_newSizeOfDifferentShape_failsWithBadProofSize() {
    assertThatThrownBy(
            () ->
                Rfc9162.verifyConsistency(
                    5, 17, TREE.consistencyProof(5, SIZE), TREE.root(5), TREE.root(SIZE)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_PROOF_SIZE));
  }

  @Test
  void verifyInclusion_sameShapeSizeWithRootOfThatSize_failsWithInclusionMismatch() {
    assertThatThrownBy(
            () ->
                Rfc9162.verifyInclusion(
                    5, 12, LEAVES.get(5), TREE.inclusionProof(5, SIZE), TREE.root(12)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INCLUSION_MISMATCH));
  }

  @Test
  void verifyConsistency_truncatedProof_failsWithBadProofSize() {
    List<byte[]> proof = TREE.consistencyProof(5, SIZE);
    assertThatThrownBy(
            () ->
                Rfc9162.verifyConsistency(
                    5, SIZE, proof.subList(0, proof.size() - 1), TREE.root(5), TREE.root(SIZE)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_PROOF_SIZE));
  }

  @Test
  void verifyConsistency_fromEmptyTree_failsWithConsistencyFromEmpty() {
    assertThatThrownBy(
            () -> Rfc9162.verifyConsistency(0, SIZE, List.of(), Rfc9162.emptyRoot(), TREE.root()))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CONSISTENCY_FROM_EMPTY));
  }

  @Test
  void verifyConsistency_oldSizeAboveNewSize_failsWithIndexOutOfRange() {
    assertThatThrownBy(
            () -> Rfc9162.verifyConsistency(SIZE, 5, List.of(), TREE.root(), TREE.root(5)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INDEX_OUT_OF_RANGE));
  }

  @Test
  void verifyConsistency_equalSizesDifferentRoots_failsWithConsistencyMismatch() {
    assertThatThrownBy(() -> Rfc9162.verifyConsistency(5, 5, List.of(), TREE.root(5), TREE.root(6)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CONSISTENCY_MISMATCH));
  }
}
