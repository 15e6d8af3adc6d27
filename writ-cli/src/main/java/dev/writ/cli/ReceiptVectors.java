package dev.writ.cli;

import dev.writ.core.Envelope;
import dev.writ.core.WritDeniedException;
import dev.writ.core.json.CanonicalJson;
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
import dev.writ.log.MerkleTree;
import dev.writ.log.Rfc9162;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Writes the receipt vectors of docs/spec/vectors/receipts: server answers with receipts
 * (docs/spec/api.md section 3) over logs of decision records (docs/spec/log.md section 10), each
 * either valid or failing at one named verification step.
 *
 * <p>Deterministic: the log keys come from fixed seeds (published test keys, never to be trusted),
 * Ed25519 signing is deterministic, and the envelopes are the exact bytes of writ vectors generated
 * just before. Not thread-safe: one instance per generation.
 */
final class ReceiptVectors {
  /** Folder of the receipt vectors, relative to the writ vector folder. */
  static final String DIR = "receipts/";

  /** The log's origin and the log key's name. */
  static final String ORIGIN = "writ.test/log";

  /** Step 3 of api.md section 3: the largest leaf a receipt may carry. */
  static final int MAX_LEAF_BYTES = 65_535;

  private static final long TIME = VectorGenerator.NOW;
  private static final JsonLimits VECTOR_FILE = new JsonLimits(1 << 20, 10, 1 << 20, 1000);
  private static final JsonLimits PAYLOAD = new JsonLimits(1 << 16, 4, 1 << 16, 64);
  private static final Base64.Encoder B64 = Base64.getEncoder();

  private final Map<String, String> writVectors;
  private final Map<String, String> written = new TreeMap<>();
  private final byte[] logSeed = sha256("writ receipt vectors: log key");
  private final LogKeySigner log = signer(ORIGIN, logSeed);
  private final LogKeySigner stranger = signer(ORIGIN, sha256("writ receipt vectors: stranger"));
  private final LogKeySigner witness =
      signer("witness.test/w1", sha256("writ receipt vectors: witness"));

  private ReceiptVectors(Map<String, String> writVectors) {
    this.writVectors = writVectors;
  }

  /**
   * Produces the receipt vectors and the log key files from the writ vectors {@code writVectors}
   * (file name to text, as {@link VectorGenerator#generate} returns them).
   *
   * @return file name (under {@link #DIR}) to text
   */
  static Map<String, String> generate(Map<String, String> writVectors) throws CliException {
    ReceiptVectors g = new ReceiptVectors(writVectors);
    try {
      g.all();
    } catch (JsonException | WritDeniedException e) {
      throw new CliException("receipt vector generation failed: " + e.getMessage(), e);
    }
    return g.written;
  }

  // submissions and logs ----------------------------------------------------------------------

  /**
   * What one POST decided: the envelope bytes sent and the answer's fields (reason may be null).
   */
  @SuppressWarnings("ArrayRecordComponent") // generator data, never shared
  private record Submission(
      byte[] envelope, String decision, String reason, String id, String cap) {
    Map<String, JsonValue> answer() {
      Map<String, JsonValue> a = new LinkedHashMap<>();
      a.put("decision", new JsonString(decision));
      if (id != null) {
        a.put("id", new JsonString(id));
      }
      if (reason != null) {
        a.put("reason", new JsonString(reason));
      }
      return a;
    }

    /** The decision record of log.md section 10 at position {@code index}. */
    Map<String, JsonValue> record(long index) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("v", new JsonInteger(1));
      if (id != null) {
        m.put("id", new JsonString(id));
      }
      m.put("envelope_sha256", new JsonString(HexFormat.of().formatHex(sha256(envelope))));
      if (cap != null) {
        m.put("cap", new JsonString(cap));
      }
      m.put("decision", new JsonString(decision));
      if (reason != null) {
        m.put("reason", new JsonString(reason));
      }
      m.put("time", new JsonInteger(TIME + index));
      m.put("index", new JsonInteger(index));
      return m;
    }
  }

  /** A log in memory: the submissions and their leaf bytes, position by position. */
  private final class Log {
    final List<Submission> subs = new ArrayList<>();
    final List<byte[]> leaves = new ArrayList<>();

    void append(Submission s) {
      appendRaw(s, CanonicalJson.write(new JsonObject(s.record(leaves.size()))));
    }

    /** Appends a leaf as given, which may break the decision record rules on purpose. */
    void appendRaw(Submission s, byte[] leaf) {
      subs.add(s);
      leaves.add(leaf);
    }

    MerkleTree tree() {
      return MerkleTree.ofLeafHashes(leaves.stream().map(Rfc9162::leafHash).toList());
    }

    String checkpoint(int size, List<String> extensions) {
      return note(log, Checkpoint.of(ORIGIN, size, tree().root(size), extensions).format());
    }

    List<String> inclusion(int index, int size) {
      return tree().inclusionProof(index, size).stream().map(B64::encodeToString).toList();
    }

    /** A valid receipt vector for leaf {@code index} under {@code checkpoint} (of {@code size}). */
    Vector receipt(String name, String description, int index, int size, String checkpoint) {
      Vector v = new Vector(name, description);
      Submission s = subs.get(index);
      v.envelope = s.envelope();
      v.answer = s.answer();
      v.checkpoint = checkpoint;
      v.inclusion = new ArrayList<>(inclusion(index, size));
      v.index = index;
      v.leaf = B64.encodeToString(leaves.get(index));
      return v;
    }
  }

  /** One vector, edited field by field before it is written. */
  private final class Vector {
    final String name;
    final String description;
    byte[] envelope;
    Map<String, JsonValue> answer;
    String checkpoint;
    List<String> inclusion;
    long index;
    String leaf;
    int failsAt;

    Vector(String name, String description) {
      this.name = name;
      this.description = description;
    }

    Vector failsAt(int step) {
      this.failsAt = step;
      return this;
    }

    void emit() {
      Map<String, JsonValue> receipt = new LinkedHashMap<>();
      receipt.put("checkpoint", new JsonString(checkpoint));
      receipt.put(
          "inclusion", new JsonArray(inclusion.stream().<JsonValue>map(JsonString::new).toList()));
      receipt.put("index", new JsonInteger(index));
      receipt.put("leaf", new JsonString(leaf));
      Map<String, JsonValue> v = new LinkedHashMap<>();
      v.put("description", new JsonString(description));
      v.put("vkey", new JsonString(log.verifierKey().toString()));
      v.put("envelope", new JsonString(B64.encodeToString(envelope)));
      v.put("answer", new JsonObject(answer));
      v.put("receipt", new JsonObject(receipt));
      v.put("expect", new JsonString(failsAt == 0 ? "valid" : "invalid"));
      if (failsAt != 0) {
        v.put("fails_at", new JsonInteger(failsAt));
      }
      String file = (failsAt == 0 ? "valid-" : "invalid-" + failsAt + "-") + name + ".json";
      written.put(DIR + file, PrettyJson.write(new JsonObject(v)));
    }
  }

  // the vectors -------------------------------------------------------------------------------

  private void all() throws JsonException, WritDeniedException {
    written.put(DIR + "log.vkey", log.verifierKey() + "\n");
    byte[] rawKey = new byte[33];
    rawKey[0] = 0x01;
    System.arraycopy(logSeed, 0, rawKey, 1, 32);
    written.put(
        DIR + "test-log.key",
        "PRIVATE+KEY+"
            + ORIGIN
            + "+"
            + HexFormat.of().toHexDigits(log.verifierKey().keyId())
            + "+"
            + B64.encodeToString(rawKey)
            + "\n");
    mainLog();
    sideLog();
  }

  private void mainLog() throws JsonException, WritDeniedException {
    Log l = new Log();
    List<String> allows =
        List.of(
            "allow-deploy",
            "allow-discover",
            "allow-execute",
            "allow-pause",
            "allow-replicate",
            "allow-quarantine",
            "allow-enroll",
            "allow-resume",
            "allow-deploy-ecdsa",
            "allow-execute-authority-scope",
            "allow-deploy-cid-content",
            "allow-replicate-second-initiator");
    Submission garbage = malformed("this is not a writ\n".getBytes(StandardCharsets.UTF_8));
    // 0 .. 19: covered by the checkpoint of size 20
    l.append(allow(allows.get(0)));
    l.append(allow(allows.get(1)));
    l.append(allow(allows.get(2)));
    l.append(spent(allows.get(0)));
    l.append(garbage);
    l.append(allow(allows.get(3)));
    l.append(allow(allows.get(4)));
    l.append(denied("deny-unknown-key", "UNKNOWN_KEY"));
    l.append(allow(allows.get(5)));
    l.append(malformed(new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 0x7b, 0x0a}));
    l.append(allow(allows.get(6)));
    l.append(allow(allows.get(7)));
    l.append(denied("deny-expired", "EXPIRED"));
    l.append(allow(allows.get(8)));
    l.append(spent(allows.get(1)));
    l.append(allow(allows.get(9)));
    l.append(allow(allows.get(10)));
    l.append(allow(allows.get(11)));
    l.append(denied("deny-bad-signature", "BAD_SIGNATURE"));
    l.append(denied("deny-threshold-not-met", "THRESHOLD_NOT_MET"));
    // 20 .. 31: replays, and one more malformed body, up to the checkpoint of size 32
    for (String a : allows.subList(1, allows.size())) {
      l.append(spent(a));
    }
    l.append(malformed(new byte[0]));

    String cp1 = l.checkpoint(1, List.of());
    String cp20 = l.checkpoint(20, List.of());
    String cp32 = l.checkpoint(32, List.of());

    // valid
    l.receipt("first-leaf", "the first leaf (allow) in a tree of 20", 0, 20, cp20).emit();
    l.receipt("last-leaf", "the last leaf (deny) in a tree of 20", 19, 20, cp20).emit();
    l.receipt("tree-of-one", "the only leaf of a tree of size 1: empty inclusion", 0, 1, cp1)
        .emit();
    l.receipt("power-of-two", "a leaf in a tree of 32 leaves", 13, 32, cp32).emit();
    l.receipt("power-of-two-last", "the last leaf of a tree of 32 leaves", 31, 32, cp32).emit();
    l.receipt(
            "older-leaf-larger-tree", "leaf 19 under the later checkpoint of size 32", 19, 32, cp32)
        .emit();
    l.receipt("deny-spent", "a replay: deny SPENT, with id", 3, 20, cp20).emit();
    l.receipt("deny-malformed-without-id", "deny MALFORMED for bytes without an id", 4, 20, cp20)
        .emit();
    l.receipt("deny-malformed-binary", "deny MALFORMED for non-UTF-8 bytes", 9, 20, cp20).emit();
    l.receipt("deny-spent-replay-in-larger-tree", "deny SPENT at index 21 of 32", 21, 32, cp32)
        .emit();
    l.receipt(
            "cosigned-by-unknown-key",
            "a second signature by a key the client does not know comes first; it is ignored",
            7,
            20,
            addSignatureLineFirst(cp20, witness))
        .emit();
    l.receipt(
            "checkpoint-with-extension",
            "the checkpoint carries an extension line after the root",
            5,
            20,
            l.checkpoint(20, List.of("writ.test extension line")))
        .emit();

    // step 1: the note
    l.receipt(
            "bad-signature",
            "one bit of the log key's signature is flipped",
            0,
            20,
            flipSignatureBit(cp20))
        .failsAt(1)
        .emit();
    l.receipt(
            "unknown-key",
            "the checkpoint is signed by another key with the log's name (other key id)",
            0,
            20,
            note(stranger, Checkpoint.of(ORIGIN, 20, l.tree().root(20), List.of()).format()))
        .failsAt(1)
        .emit();
    l.receipt(
            "only-witness-signature",
            "the checkpoint carries only a signature by a key the client does not know",
            0,
            20,
            note(witness, Checkpoint.of(ORIGIN, 20, l.tree().root(20), List.of()).format()))
        .failsAt(1)
        .emit();
    l.receipt(
            "text-changed-after-signing",
            "the checkpoint's root line is replaced by the root of size 32 after signing",
            0,
            20,
            cp20.replace(
                B64.encodeToString(l.tree().root(20)), B64.encodeToString(l.tree().root(32))))
        .failsAt(1)
        .emit();
    l.receipt(
            "signature-line-ascii-dash",
            "the signature line starts with '-' instead of U+2014: a malformed note",
            0,
            20,
            cp20.replace("\n\u2014 ", "\n- "))
        .failsAt(1)
        .emit();
    l.receipt(
            "signature-twice",
            "the log key's signature line appears twice: a malformed note",
            0,
            20,
            cp20 + cp20.substring(cp20.lastIndexOf("\n\u2014 ") + 1))
        .failsAt(1)
        .emit();

    // step 2: the checkpoint
    l.receipt(
            "origin-mismatch",
            "a checkpoint signed by the log key for another origin",
            0,
            20,
            note(
                log,
                Checkpoint.of("writ.test/other-log", 20, l.tree().root(20), List.of()).format()))
        .failsAt(2)
        .emit();
    l.receipt(
            "size-leading-zero",
            "a signed checkpoint whose size is written 020",
            0,
            20,
            note(log, ORIGIN + "\n020\n" + B64.encodeToString(l.tree().root(20)) + "\n"))
        .failsAt(2)
        .emit();

    // step 3: shapes and ranges
    Vector atSize =
        l.receipt("index-equals-size", "index 20 under a checkpoint of size 20", 20, 32, cp20);
    atSize.failsAt(3).emit();
    Vector negative = l.receipt("index-negative", "index -1", 0, 20, cp20);
    negative.index = -1;
    negative.failsAt(3).emit();
    Vector tooLong = l.receipt("proof-65-hashes", "an inclusion of 65 hashes", 0, 20, cp20);
    while (tooLong.inclusion.size() < 65) {
      tooLong.inclusion.add(B64.encodeToString(sha256("pad " + tooLong.inclusion.size())));
    }
    tooLong.failsAt(3).emit();
    Vector shortHash = l.receipt("hash-31-bytes", "one inclusion hash of 31 bytes", 0, 20, cp20);
    shortHash.inclusion.set(
        1, B64.encodeToString(Arrays.copyOf(l.tree().inclusionProof(0, 20).get(1), 31)));
    shortHash.failsAt(3).emit();
    Vector notB64 = l.receipt("hash-not-base64", "one inclusion hash is not base64", 0, 20, cp20);
    notB64.inclusion.set(0, "not base64!");
    notB64.failsAt(3).emit();
    Vector leafB64 =
        l.receipt("leaf-non-canonical-base64", "the leaf's base64 lacks its padding", 0, 20, cp20);
    leafB64.leaf = leafB64.leaf.replace("=", "");
    leafB64.failsAt(3).emit();
    Vector bigLeaf = l.receipt("leaf-too-large", "a leaf of 65,537 bytes", 0, 20, cp20);
    bigLeaf.leaf =
        B64.encodeToString("a".repeat(MAX_LEAF_BYTES + 1).getBytes(StandardCharsets.UTF_8));
    bigLeaf.failsAt(3).emit();

    // step 4: inclusion
    Vector oneShort =
        l.receipt("proof-one-hash-short", "the last inclusion hash is missing", 5, 20, cp20);
    oneShort.inclusion.removeLast();
    oneShort.failsAt(4).emit();
    Vector oneLong =
        l.receipt("proof-one-hash-long", "an extra hash after the audit path", 5, 20, cp20);
    oneLong.inclusion.add(oneLong.inclusion.getFirst());
    oneLong.failsAt(4).emit();
    Vector flippedProof =
        l.receipt("proof-byte-flipped", "one bit of an inclusion hash is flipped", 5, 20, cp20);
    flippedProof.inclusion.set(2, flipBase64(flippedProof.inclusion.get(2), 7));
    flippedProof.failsAt(4).emit();
    Vector flippedLeaf =
        l.receipt("leaf-byte-flipped", "one byte of the leaf changed (still JSON)", 5, 20, cp20);
    flippedLeaf.leaf =
        B64.encodeToString(
            new String(l.leaves.get(5), StandardCharsets.UTF_8)
                .replace("\"time\":" + (TIME + 5), "\"time\":" + (TIME + 6))
                .getBytes(StandardCharsets.UTF_8));
    flippedLeaf.failsAt(4).emit();
    Vector wrongSize =
        l.receipt(
            "proof-for-other-size",
            "the audit path for size 32 under the checkpoint of size 20",
            5,
            32,
            cp20);
    wrongSize.failsAt(4).emit();
    Vector wrongIndex =
        l.receipt("index-changed", "leaf 5 and its audit path, claimed at index 6", 5, 20, cp20);
    wrongIndex.index = 6;
    wrongIndex.failsAt(4).emit();

    // step 5: the decision record against the answer and the envelope
    Vector reserialized =
        l.receipt(
            "envelope-other-bytes",
            "the same envelope JSON, sent with a trailing newline",
            0,
            20,
            cp20);
    reserialized.envelope = concat(reserialized.envelope, new byte[] {'\n'});
    reserialized.failsAt(5).emit();
    Vector otherEnvelope =
        l.receipt("envelope-of-another-writ", "the envelope of another writ", 0, 20, cp20);
    otherEnvelope.envelope = l.subs.get(1).envelope();
    otherEnvelope.failsAt(5).emit();
    Vector decision =
        l.receipt("decision-mismatch", "the answer says allow, the leaf deny SPENT", 3, 20, cp20);
    decision.answer = allow(allows.get(0)).answer();
    decision.failsAt(5).emit();
    Vector reason =
        l.receipt("reason-mismatch", "the answer says EXPIRED, the leaf SPENT", 3, 20, cp20);
    reason.answer.put("reason", new JsonString("EXPIRED"));
    reason.failsAt(5).emit();
    Vector noReason =
        l.receipt(
            "reason-missing-in-answer",
            "the answer has no reason, the leaf has SPENT",
            3,
            20,
            cp20);
    noReason.answer.remove("reason");
    noReason.failsAt(5).emit();
    Vector id = l.receipt("id-mismatch", "the answer's id differs from the leaf's", 0, 20, cp20);
    id.answer.put("id", new JsonString(VectorGenerator.idFor("another writ")));
    id.failsAt(5).emit();
  }

  /** A small log of leaves that break the decision record rules, each with a valid inclusion. */
  private void sideLog() throws JsonException, WritDeniedException {
    Log l = new Log();
    l.append(allow("allow-pause"));
    Submission resume = allow("allow-resume");
    Map<String, JsonValue> r = resume.record(1);
    StringBuilder unsorted = new StringBuilder("{");
    for (Map.Entry<String, JsonValue> e : r.entrySet()) {
      unsorted.append(unsorted.length() > 1 ? "," : "");
      unsorted.append(json(new JsonString(e.getKey()))).append(':').append(json(e.getValue()));
    }
    l.appendRaw(resume, unsorted.append('}').toString().getBytes(StandardCharsets.UTF_8));
    Submission enroll = allow("allow-enroll");
    l.appendRaw(enroll, CanonicalJson.write(new JsonObject(enroll.record(1))));
    Submission discover = allow("allow-discover");
    Map<String, JsonValue> withReason = discover.record(3);
    withReason.put("reason", new JsonString("SPENT"));
    l.appendRaw(discover, CanonicalJson.write(new JsonObject(withReason)));
    Submission junk = malformed("junk".getBytes(StandardCharsets.UTF_8));
    l.appendRaw(junk, "not a decision record\n".getBytes(StandardCharsets.UTF_8));
    Submission execute = allow("allow-execute");
    Map<String, JsonValue> v2 = execute.record(5);
    v2.put("v", new JsonInteger(2));
    l.appendRaw(execute, CanonicalJson.write(new JsonObject(v2)));

    String cp = l.checkpoint(6, List.of());
    l.receipt("record-log-first-leaf", "a canonical record in the log of odd records", 0, 6, cp)
        .emit();
    l.receipt("leaf-non-canonical", "a leaf whose members are not in RFC 8785 order", 1, 6, cp)
        .failsAt(5)
        .emit();
    l.receipt("leaf-index-field-mismatch", "the leaf at position 2 says index 1", 2, 6, cp)
        .failsAt(5)
        .emit();
    l.receipt("leaf-allow-with-reason", "an allow record that carries a reason", 3, 6, cp)
        .failsAt(5)
        .emit();
    l.receipt("leaf-not-json", "the leaf is not JSON", 4, 6, cp).failsAt(5).emit();
    l.receipt("leaf-version-2", "a record with v 2", 5, 6, cp).failsAt(5).emit();
  }

  // submissions from the writ vectors -----------------------------------------------------------

  private byte[] envelopeOf(String vector) throws JsonException {
    String text = writVectors.get(vector + ".json");
    if (text == null) {
      throw new IllegalStateException("no writ vector " + vector);
    }
    JsonObject v =
        (JsonObject)
            new JsonReader(VECTOR_FILE, JsonReader.Mode.INTEGERS_ONLY)
                .read(text.getBytes(StandardCharsets.UTF_8));
    return CanonicalJson.write(v.members().get("envelope"));
  }

  private Submission fromVector(String vector, String decision, String reason)
      throws JsonException, WritDeniedException {
    byte[] env = envelopeOf(vector);
    JsonObject p =
        (JsonObject)
            new JsonReader(PAYLOAD, JsonReader.Mode.INTEGERS_ONLY)
                .read(Envelope.parse(env).payload());
    return new Submission(
        env,
        decision,
        reason,
        ((JsonString) p.members().get("id")).value(),
        ((JsonString) p.members().get("cap")).value());
  }

  private Submission allow(String vector) throws JsonException, WritDeniedException {
    return fromVector(vector, "allow", null);
  }

  private Submission spent(String vector) throws JsonException, WritDeniedException {
    return fromVector(vector, "deny", "SPENT");
  }

  private Submission denied(String vector, String reason)
      throws JsonException, WritDeniedException {
    return fromVector(vector, "deny", reason);
  }

  private static Submission malformed(byte[] body) {
    return new Submission(body, "deny", "MALFORMED", null, null);
  }

  // notes and bytes ---------------------------------------------------------------------------

  private static LogKeySigner signer(String name, byte[] seed) {
    return new LogKeySigner(name, new Ed25519PrivateKeyParameters(seed, 0));
  }

  private static String note(LogKeySigner signer, String text) {
    return new String(signer.sign(text), StandardCharsets.UTF_8);
  }

  /** {@code note} with {@code other}'s signature line inserted before the existing ones. */
  private static String addSignatureLineFirst(String note, LogKeySigner other) {
    int split = note.lastIndexOf("\n\n") + 1;
    String text = note.substring(0, split);
    String otherLine = note(other, text).substring(split + 1);
    return text + "\n" + otherLine + note.substring(split + 1);
  }

  /** {@code note} with one bit of its (only) signature flipped, after the 4-byte key id. */
  private static String flipSignatureBit(String note) {
    int space = note.lastIndexOf(' ');
    String b64 = note.substring(space + 1, note.length() - 1);
    return note.substring(0, space + 1) + flipBase64(b64, 4 + 10) + "\n";
  }

  private static String flipBase64(String b64, int at) {
    byte[] b = Base64.getDecoder().decode(b64);
    b[at] ^= 0x01;
    return B64.encodeToString(b);
  }

  private static String json(JsonValue v) {
    return new String(CanonicalJson.write(v), StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] sha256(String s) {
    return sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
