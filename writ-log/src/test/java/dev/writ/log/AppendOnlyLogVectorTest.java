package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link AppendOnlyLog} built from transparency-dev/merkle's reference leaves
 * (shared/vectors/merkle): its stored subtree hashes, roots and the proofs it generates must be the
 * reference's, byte for byte.
 */
class AppendOnlyLogVectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /** The reference tree, or empty (after printing why) when the vectors are not there. */
  private static Optional<JsonNode> constants() throws IOException {
    Optional<Path> dir = LogConformanceData.dir("merkle");
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(JSON.readTree(dir.get().resolve("testonly_constants.json").toFile()));
  }

  private static AppendOnlyLog referenceLog(JsonNode c) {
    AppendOnlyLog log = new AppendOnlyLog();
    for (JsonNode leaf : c.get("leafInputs_hex")) {
      log.append(HEX.parseHex(leaf.asText()));
    }
    return log;
  }

  @Test
  void constants_subtreeHashesAndRoots_equalTheReference() throws IOException {
    Optional<JsonNode> c = constants();
    if (c.isEmpty()) {
      return;
    }
    AppendOnlyLog log = referenceLog(c.get());
    assertThat(log.size()).isEqualTo(8);
    JsonNode levels = c.get().get("nodeHashes_hex");
    int compared = 0;
    for (int level = 0; level < levels.size(); level++) {
      JsonNode hashes = levels.get(level);
      for (int j = 0; j < hashes.size(); j++) {
        assertThat(HEX.formatHex(log.subtreeHash(level, j)))
            .as("level %d hash %d", level, j)
            .isEqualTo(hashes.get(j).asText());
        compared++;
      }
    }
    assertThat(compared).isEqualTo(8 + 4 + 2 + 1);
    JsonNode roots = c.get().get("rootHashes_hex");
    for (int n = 0; n <= 8; n++) {
      assertThat(HEX.formatHex(log.root(n))).isEqualTo(roots.get(n).asText());
    }
  }

  @Test
  void happyPathProbes_generatedProofsEqualTheProbesExactly() throws IOException {
    Optional<JsonNode> c = constants();
    Optional<Path> testdata = LogConformanceData.dir("merkle/testdata");
    if (c.isEmpty() || testdata.isEmpty()) {
      return;
    }
    AppendOnlyLog log = referenceLog(c.get());
    int inclusion = 0;
    for (Path file : happyPaths(testdata.get().resolve("inclusion"))) {
      JsonNode v = JSON.readTree(file.toFile());
      long index = v.get("leafIdx").asLong();
      long size = v.get("treeSize").asLong();
      assertThat(log.root(size)).as("%s", file).isEqualTo(b64(v.get("root")));
      assertThat(log.leafHash(index)).isEqualTo(b64(v.get("leafHash")));
      assertThat(hex(log.inclusionProof(index, size)))
          .as("%s", file)
          .isEqualTo(hex(hashes(v.get("proof"))));
      inclusion++;
    }
    int consistency = 0;
    for (Path file : happyPaths(testdata.get().resolve("consistency"))) {
      JsonNode v = JSON.readTree(file.toFile());
      long size1 = v.get("size1").asLong();
      long size2 = v.get("size2").asLong();
      assertThat(log.root(size1)).isEqualTo(b64(v.get("root1")));
      assertThat(log.root(size2)).isEqualTo(b64(v.get("root2")));
      assertThat(hex(log.consistencyProof(size1, size2)))
          .as("%s", file)
          .isEqualTo(hex(hashes(v.get("proof"))));
      consistency++;
    }
    assertThat(inclusion).isEqualTo(5);
    assertThat(consistency).isEqualTo(5);
  }

  private static List<Path> happyPaths(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().equals("happy-path.json")).sorted().toList();
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

  /** Hashes as hex strings, so that lists of arrays compare by content. */
  static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(java.util.HexFormat.of()::formatHex).toList();
  }
}
