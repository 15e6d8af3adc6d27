package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogKeySigner;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Rfc9162;
import dev.writ.log.SignedNotes;
import dev.writ.log.VerifiedNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The receipt vectors (docs/spec/vectors/receipts) are what the generator writes, and writ-log's
 * primitives, run through the five steps of docs/spec/api.md section 3, decide each one as
 * declared: valid ones verify, invalid ones fail at the step they name.
 */
class ReceiptVectorsTest {
  private static final JsonLimits VECTOR_FILE = new JsonLimits(1 << 20, 10, 1 << 20, 1000);
  private static final JsonLimits RECORD =
      new JsonLimits(ReceiptVectors.MAX_LEAF_BYTES, 1, 1 << 16, 8);
  private static final Set<String> RECORD_FIELDS =
      Set.of("v", "id", "envelope_sha256", "cap", "decision", "reason", "time", "index");

  static Path dir() {
    return Vectors.dir().resolve("receipts");
  }

  static Stream<Path> vectors() throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
      if (files.size() < 30) {
        throw new IllegalStateException(
            "expected the full receipt vector set, found " + files.size());
      }
      return files.stream();
    }
  }

  @Test
  void generator_sameKeys_reproducesCheckedInReceiptVectorsByteForByte() throws Exception {
    Map<String, String> fresh =
        ReceiptVectors.generate(VectorGenerator.generate(Vectors.dir().resolve("keys")));
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir())) {
      s.filter(Files::isRegularFile)
          .forEach(p -> onDisk.add(ReceiptVectors.DIR + p.getFileName().toString()));
    }
    assertThat(onDisk).as("files in docs/spec/vectors/receipts").isEqualTo(fresh.keySet());
    for (Map.Entry<String, String> e : fresh.entrySet()) {
      assertThat(Files.readString(Vectors.dir().resolve(e.getKey())))
          .as("%s drifted; run: ./writ spec vectors", e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void receiptVector_throughWritLogPrimitives_decidesAsDeclared(Path file) throws Exception {
    JsonObject v = read(file);
    String expect = string(v, "expect");
    int step = firstFailingStep(v);
    if (expect.equals("valid")) {
      assertThat(step).as("valid vector refused at step %d", step).isZero();
      assertThat(v.members()).doesNotContainKey("fails_at");
      assertThat(file.getFileName().toString()).startsWith("valid-");
    } else {
      assertThat(expect).isEqualTo("invalid");
      long failsAt = ((JsonInteger) v.members().get("fails_at")).value();
      assertThat(step).as("step that refuses it").isEqualTo(failsAt);
      assertThat(file.getFileName().toString()).startsWith("invalid-" + failsAt + "-");
    }
  }

  /** writ-log's {@code Receipt.verify} (what {@code writ submit} runs) agrees with every vector. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void receiptVector_throughReceiptVerify_decidesAsDeclared(Path file) throws Throwable {
    JsonObject v = read(file);
    JsonObject answer = (JsonObject) v.members().get("answer");
    NoteVerifierKey key = NoteVerifierKey.parse(string(v, "vkey"));
    byte[] envelope = Base64.getDecoder().decode(string(v, "envelope"));
    String receipt =
        new String(
            dev.writ.core.json.CanonicalJson.write(v.members().get("receipt")),
            StandardCharsets.UTF_8);
    Optional<String> reason =
        answer.members().get("reason") instanceof JsonString r
            ? Optional.of(r.value())
            : Optional.empty();
    Optional<String> id =
        answer.members().get("id") instanceof JsonString i
            ? Optional.of(i.value())
            : Optional.empty();
    org.assertj.core.api.ThrowableAssert.ThrowingCallable verify =
        () ->
            dev.writ.log.Receipt.verify(
                receipt, key, envelope, string(answer, "decision"), reason, id);
    if (string(v, "expect").equals("valid")) {
      verify.call();
    } else {
      org.assertj.core.api.Assertions.assertThatThrownBy(verify)
          .isInstanceOf(LogVerificationException.class);
    }
  }

  @Test
  void receiptVectors_everyStep_hasAnInvalidVector_andValidOnesCoverTheShapes() throws Exception {
    Set<Long> steps = new TreeSet<>();
    Set<String> valid = new TreeSet<>();
    for (Path f : vectors().toList()) {
      JsonObject v = read(f);
      if (v.members().get("fails_at") instanceof JsonInteger i) {
        steps.add(i.value());
      } else {
        valid.add(f.getFileName().toString());
      }
    }
    assertThat(steps).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(valid)
        .contains(
            "valid-first-leaf.json",
            "valid-last-leaf.json",
            "valid-tree-of-one.json",
            "valid-power-of-two.json",
            "valid-deny-spent.json",
            "valid-deny-malformed-without-id.json");
  }

  @Test
  void logKeyFiles_holdTheVectorsKey() throws Exception {
    String vkey = Files.readString(dir().resolve("log.vkey")).strip();
    NoteVerifierKey key = NoteVerifierKey.parse(vkey);
    assertThat(key.name()).isEqualTo(ReceiptVectors.ORIGIN);
    for (Path f : vectors().toList()) {
      assertThat(string(read(f), "vkey")).as(f.toString()).isEqualTo(vkey);
    }
    String[] priv = Files.readString(dir().resolve("test-log.key")).strip().split("\\+", 5);
    assertThat(priv).hasSize(5);
    assertThat(priv[0] + "+" + priv[1] + "+" + priv[2] + "+" + priv[3])
        .isEqualTo("PRIVATE+KEY+" + ReceiptVectors.ORIGIN + "+" + vkey.split("\\+", 3)[1]);
    byte[] raw = Base64.getDecoder().decode(priv[4]);
    assertThat(raw).hasSize(33).startsWith((byte) 0x01);
    LogKeySigner fromFile =
        new LogKeySigner(ReceiptVectors.ORIGIN, new Ed25519PrivateKeyParameters(raw, 1));
    assertThat(fromFile.verifierKey()).isEqualTo(key);
  }

  // api.md section 3, steps 1 to 5, with writ-log's primitives; 0 when every step passes -------

  static int firstFailingStep(JsonObject v) throws LogVerificationException {
    NoteVerifierKey key = NoteVerifierKey.parse(string(v, "vkey"));
    byte[] envelope = Base64.getDecoder().decode(string(v, "envelope"));
    JsonObject answer = (JsonObject) v.members().get("answer");
    JsonObject r = (JsonObject) v.members().get("receipt");
    VerifiedNote note;
    try {
      note =
          SignedNotes.open(string(r, "checkpoint").getBytes(StandardCharsets.UTF_8), List.of(key));
    } catch (LogVerificationException e) {
      return 1;
    }
    Checkpoint cp;
    try {
      cp = Checkpoint.parse(note.text());
    } catch (LogVerificationException e) {
      return 2;
    }
    if (!cp.origin().equals(key.name())) {
      return 2;
    }
    long index = ((JsonInteger) r.members().get("index")).value();
    List<JsonValue> inclusion = ((JsonArray) r.members().get("inclusion")).elements();
    if (index < 0 || index >= cp.size() || inclusion.size() > 64) {
      return 3;
    }
    List<byte[]> proof = new ArrayList<>();
    for (JsonValue h : inclusion) {
      Optional<byte[]> b = canonicalBase64(((JsonString) h).value());
      if (b.isEmpty() || b.get().length != 32) {
        return 3;
      }
      proof.add(b.get());
    }
    Optional<byte[]> leaf = canonicalBase64(string(r, "leaf"));
    if (leaf.isEmpty() || leaf.get().length > ReceiptVectors.MAX_LEAF_BYTES) {
      return 3;
    }
    try {
      Rfc9162.verifyInclusion(index, cp.size(), Rfc9162.leafHash(leaf.get()), proof, cp.root());
    } catch (LogVerificationException e) {
      return 4;
    }
    return recordMatches(leaf.get(), index, envelope, answer) ? 0 : 5;
  }

  /** Step 5: the leaf is a decision record (log.md section 10) for this index, envelope, answer. */
  private static boolean recordMatches(
      byte[] leaf, long index, byte[] envelope, JsonObject answer) {
    JsonObject rec;
    try {
      if (!(new JsonReader(RECORD, JsonReader.Mode.INTEGERS_ONLY).readCanonical(leaf)
          instanceof JsonObject o)) {
        return false;
      }
      rec = o;
    } catch (JsonException e) {
      return false;
    }
    Map<String, JsonValue> m = rec.members();
    String decision = optString(m, "decision");
    String reason = optString(m, "reason");
    return RECORD_FIELDS.containsAll(m.keySet())
        && m.get("v") instanceof JsonInteger ver
        && ver.value() == 1
        && m.get("time") instanceof JsonInteger
        && m.get("index") instanceof JsonInteger i
        && i.value() == index
        && (Objects.equals(decision, "allow")
            ? reason == null
            : Objects.equals(decision, "deny") && reason != null)
        && HexFormat.of()
            .formatHex(ReceiptVectors.sha256(envelope))
            .equals(optString(m, "envelope_sha256"))
        && decision.equals(optString(answer.members(), "decision"))
        && Objects.equals(reason, optString(answer.members(), "reason"))
        && Objects.equals(optString(m, "id"), optString(answer.members(), "id"));
  }

  // helpers ---------------------------------------------------------------------------------

  private static JsonObject read(Path f) throws IOException {
    try {
      return (JsonObject)
          new JsonReader(VECTOR_FILE, JsonReader.Mode.INTEGERS_ONLY).read(Files.readAllBytes(f));
    } catch (JsonException e) {
      throw new IOException(f + " is not JSON", e);
    }
  }

  private static String string(JsonObject o, String name) {
    return ((JsonString) o.members().get(name)).value();
  }

  private static String optString(Map<String, JsonValue> m, String name) {
    return m.get(name) instanceof JsonString s ? s.value() : null;
  }

  private static Optional<byte[]> canonicalBase64(String s) {
    try {
      byte[] b = Base64.getDecoder().decode(s);
      return Base64.getEncoder().encodeToString(b).equals(s) ? Optional.of(b) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
