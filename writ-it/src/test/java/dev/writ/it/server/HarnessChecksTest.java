package dev.writ.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogKeySigner;
import dev.writ.log.MerkleTree;
import dev.writ.log.Rfc9162;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The crash tests are only as strong as their checks: a receipt check that passes everything, or a
 * prefix root that agrees with anything, would let them pass vacuously. A receipt built here with
 * writ-log's primitives passes {@link Receipt#verify}; each way of breaking it fails at its step;
 * {@link LogChecks#prefixRoots} agrees with {@link MerkleTree} on every size.
 */
class HarnessChecksTest {
  private static final String ORIGIN = "writ.local/log";
  private static final LogKeySigner KEY = LogKeySigner.generate(ORIGIN, new SecureRandom());
  private static final LogKeySigner OTHER_KEY = LogKeySigner.generate(ORIGIN, new SecureRandom());
  private static final byte[] ENVELOPE = "{\"an\":\"envelope\"}".getBytes(StandardCharsets.UTF_8);
  private static final String ID = "0123456789abcdef0123456789abcdef";
  private static final int SIZE = 5;
  private static final int INDEX = 2;

  /** Leaves 0 to 4; leaf 2 allows {@link #ID} for {@link #ENVELOPE}. */
  private static List<byte[]> leaves() {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("v", new JsonInteger(1));
      m.put("id", new JsonString(i == INDEX ? ID : String.format(Locale.ROOT, "%032x", i)));
      m.put(
          "envelope_sha256",
          new JsonString(Receipt.sha256Hex(i == INDEX ? ENVELOPE : new byte[i])));
      m.put("cap", new JsonString("deploy"));
      m.put("decision", new JsonString("allow"));
      m.put("time", new JsonInteger(1_893_456_000L));
      m.put("index", new JsonInteger(i));
      out.add(CanonicalJson.write(new JsonObject(m)));
    }
    return out;
  }

  /** The answer a server gives for leaf {@link #INDEX}, with fields overridden by {@code edits}. */
  private static Answer answer(LogKeySigner signer, Map<String, JsonValue> edits) {
    List<byte[]> leaves = leaves();
    MerkleTree tree = MerkleTree.ofLeafHashes(leaves.stream().map(Rfc9162::leafHash).toList());
    String note =
        new String(
            signer.sign(Checkpoint.of(ORIGIN, SIZE, tree.root(), List.of()).format()),
            StandardCharsets.UTF_8);
    List<JsonValue> proof = new ArrayList<>();
    for (byte[] h : tree.inclusionProof(INDEX, SIZE)) {
      proof.add(new JsonString(Base64.getEncoder().encodeToString(h)));
    }
    Map<String, JsonValue> r = new HashMap<>();
    r.put("checkpoint", new JsonString(note));
    r.put("inclusion", new JsonArray(proof));
    r.put("index", new JsonInteger(INDEX));
    r.put("leaf", new JsonString(Base64.getEncoder().encodeToString(leaves.get(INDEX))));
    Map<String, JsonValue> a = new HashMap<>();
    a.put("decision", new JsonString("allow"));
    a.put("id", new JsonString(ID));
    edits.forEach(
        (k, v) -> {
          if (k.startsWith("receipt.")) {
            r.put(k.substring("receipt.".length()), v);
          } else {
            a.put(k, v);
          }
        });
    a.put("receipt", new JsonObject(r));
    return new Answer(200, CanonicalJson.write(new JsonObject(a)));
  }

  @Test
  void verify_genuineReceipt_returnsItsLeafAndCheckpoint() {
    Receipt r = Receipt.verify(answer(KEY, Map.of()), KEY.verifierKey(), ENVELOPE);

    assertThat(r.index()).isEqualTo(INDEX);
    assertThat(r.leaf()).isEqualTo(leaves().get(INDEX));
    assertThat(r.checkpoint().size()).isEqualTo(SIZE);
    assertThat(r.decision()).isEqualTo("allow");
    assertThat(r.id()).contains(ID);
  }

  @Test
  void verify_checkpointSignedByAnotherKey_failsAtStep1() {
    assertThatThrownBy(
            () -> Receipt.verify(answer(OTHER_KEY, Map.of()), KEY.verifierKey(), ENVELOPE))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("receipt step 1/2");
  }

  @Test
  void verify_indexAtTheCheckpointSize_failsAtStep3() {
    Answer a = answer(KEY, Map.of("receipt.index", new JsonInteger(SIZE)));

    assertThatThrownBy(() -> Receipt.verify(a, KEY.verifierKey(), ENVELOPE))
        .hasMessageStartingWith("receipt step 3");
  }

  @Test
  void verify_proofHashReplaced_failsAtStep4() {
    List<JsonValue> proof = new ArrayList<>();
    String zero = Base64.getEncoder().encodeToString(new byte[32]);
    for (int i = 0; i < 3; i++) { // leaf 2 of 5 has a path of three hashes
      proof.add(new JsonString(zero));
    }
    Answer a = answer(KEY, Map.of("receipt.inclusion", new JsonArray(proof)));

    assertThatThrownBy(() -> Receipt.verify(a, KEY.verifierKey(), ENVELOPE))
        .hasMessageStartingWith("receipt step 4");
  }

  @Test
  void verify_anotherEnvelope_failsAtStep5() {
    byte[] other = "{\"another\":\"envelope\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Receipt.verify(answer(KEY, Map.of()), KEY.verifierKey(), other))
        .hasMessageStartingWith("receipt step 5")
        .hasMessageContaining("another envelope");
  }

  @Test
  void verify_answerSaysDenyWhereTheLeafAllows_failsAtStep5() {
    Answer a =
        answer(KEY, Map.of("decision", new JsonString("deny"), "reason", new JsonString("SPENT")));

    assertThatThrownBy(() -> Receipt.verify(a, KEY.verifierKey(), ENVELOPE))
        .hasMessageStartingWith("receipt step 5")
        .hasMessageContaining("decision");
  }

  @Test
  void verify_answerNamesAnotherId_failsAtStep5() {
    Answer a = answer(KEY, Map.of("id", new JsonString("f".repeat(32))));

    assertThatThrownBy(() -> Receipt.verify(a, KEY.verifierKey(), ENVELOPE))
        .hasMessageStartingWith("receipt step 5")
        .hasMessageContaining("id");
  }

  @Test
  void prefixRoots_everySize_equalsMerkleTreeRoots() {
    Random random = new Random(7);
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      byte[] entry = new byte[1 + random.nextInt(40)];
      random.nextBytes(entry);
      hashes.add(Rfc9162.leafHash(entry));
    }
    Set<Long> sizes = new TreeSet<>();
    for (long n = 1; n <= hashes.size(); n++) {
      sizes.add(n);
    }
    MerkleTree tree = MerkleTree.ofLeafHashes(hashes);

    Map<Long, byte[]> roots = LogChecks.prefixRoots(hashes, sizes);

    assertThat(roots).hasSize(hashes.size());
    for (long n : sizes) {
      assertThat(roots.get(n)).as("root of size %d", n).isEqualTo(tree.root(n));
    }
  }
}
