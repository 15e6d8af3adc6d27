package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** transparency-dev/merkle's RFC 6962/9162 proof probes (shared/vectors/merkle/testdata). */
class MerkleVectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One probe: throws {@link LogVerificationException} when the proof does not verify. */
  private interface Probe {
    void verify(JsonNode v) throws LogVerificationException;
  }

  @Test
  void inclusionProbes_verifyExactlyWhenWantErrIsFalse() throws IOException {
    runProbes(
        "merkle/testdata/inclusion",
        v ->
            Rfc9162.verifyInclusion(
                v.get("leafIdx").asLong(),
                v.get("treeSize").asLong(),
                b64(v.get("leafHash")),
                hashes(v.get("proof")),
                b64(v.get("root"))));
  }

  @Test
  void consistencyProbes_verifyExactlyWhenWantErrIsFalse() throws IOException {
    runProbes(
        "merkle/testdata/consistency",
        v ->
            Rfc9162.verifyConsistency(
                v.get("size1").asLong(),
                v.get("size2").asLong(),
                hashes(v.get("proof")),
                b64(v.get("root1")),
                b64(v.get("root2"))));
  }

  /** Every probe in the folder verifies exactly when its wantErr is false: 98 probes, 6 valid. */
  private static void runProbes(String folder, Probe probe) throws IOException {
    Optional<Path> dir = LogConformanceData.dir(folder);
    if (dir.isEmpty()) {
      return;
    }
    int valid = 0;
    int invalid = 0;
    for (Path file : jsonFiles(dir.get())) {
      JsonNode v = JSON.readTree(file.toFile());
      if (v.get("wantErr").asBoolean()) {
        assertThatThrownBy(() -> probe.verify(v))
            .as("%s (%s)", file, v.get("desc").asText())
            .isInstanceOf(LogVerificationException.class);
        invalid++;
      } else {
        try {
          probe.verify(v);
        } catch (LogVerificationException e) {
          throw new AssertionError(file + " (" + v.get("desc").asText() + ") should verify", e);
        }
        valid++;
      }
    }
    assertThat(valid + invalid).isEqualTo(98);
    assertThat(valid).isEqualTo(6);
  }

  @Test
  void constants_rootsOfFirstNLeaves_matchForEveryNUpTo8() throws IOException {
    Optional<Path> dir = LogConformanceData.dir("merkle");
    if (dir.isEmpty()) {
      return;
    }
    JsonNode c = JSON.readTree(dir.get().resolve("testonly_constants.json").toFile());
    MerkleTree tree = MerkleTree.ofLeafHashes(leafHashes(c));
    JsonNode roots = c.get("rootHashes_hex");
    assertThat(roots.size()).isEqualTo(9);
    for (int n = 0; n <= 8; n++) {
      assertThat(java.util.HexFormat.of().formatHex(tree.root(n)))
          .as("root of %d leaves", n)
          .isEqualTo(roots.get(n).asText());
    }
  }

  @Test
  void constants_generatedProofsForEveryPairUpTo8_verify() throws Exception {
    Optional<Path> dir = LogConformanceData.dir("merkle");
    if (dir.isEmpty()) {
      return;
    }
    JsonNode c = JSON.readTree(dir.get().resolve("testonly_constants.json").toFile());
    List<byte[]> leaves = leafHashes(c);
    MerkleTree tree = MerkleTree.ofLeafHashes(leaves);
    int inclusion = 0;
    int consistency = 0;
    for (int size = 1; size <= 8; size++) {
      for (int index = 0; index < size; index++) {
        Rfc9162.verifyInclusion(
            index, size, leaves.get(index), tree.inclusionProof(index, size), tree.root(size));
        inclusion++;
      }
      for (int size1 = 1; size1 <= size; size1++) {
        Rfc9162.verifyConsistency(
            size1, size, tree.consistencyProof(size1, size), tree.root(size1), tree.root(size));
        consistency++;
      }
    }
    assertThat(inclusion).isEqualTo(36);
    assertThat(consistency).isEqualTo(36);
  }

  private static List<byte[]> leafHashes(JsonNode constants) {
    List<byte[]> leaves = new ArrayList<>();
    for (JsonNode leaf : constants.get("leafInputs_hex")) {
      leaves.add(Rfc9162.leafHash(java.util.HexFormat.of().parseHex(leaf.asText())));
    }
    JsonNode level0 = constants.get("nodeHashes_hex").get(0);
    for (int i = 0; i < leaves.size(); i++) {
      assertThat(java.util.HexFormat.of().formatHex(leaves.get(i)))
          .isEqualTo(level0.get(i).asText());
    }
    return leaves;
  }

  private static List<Path> jsonFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  private static byte[] b64(JsonNode node) {
    return Base64.getDecoder().decode(node.asText());
  }

  private static List<byte[]> hashes(JsonNode proof) {
    List<byte[]> out = new ArrayList<>();
    if (proof != null && !proof.isNull()) {
      for (JsonNode h : proof) {
        out.add(b64(h));
      }
    }
    return out;
  }
}
