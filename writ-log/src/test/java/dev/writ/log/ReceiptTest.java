package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * {@link Receipt#verify}: receipts built with {@link AppendOnlyLog} and {@link LogKeySigner}
 * verify, and every single-field change is refused with the reason of the step that catches it
 * (docs/spec/api.md section 3).
 */
class ReceiptTest {
  private static final String ORIGIN = "writ.example/log";
  private static final LogKeySigner SIGNER = new LogKeySigner(ORIGIN, key(1));
  private static final NoteVerifierKey KEY = SIGNER.verifierKey();

  /** Leaves 0..15: leaf 5 allows, leaf 6 denies SPENT, leaf 7 denies MALFORMED without an id. */
  private static final int SIZE = 16;

  private static final String ID = "0123456789abcdef0123456789abcdef";

  private static Ed25519PrivateKeyParameters key(int seed) {
    byte[] raw = new byte[32];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i * 3 + seed);
    }
    return new Ed25519PrivateKeyParameters(raw, 0);
  }

  private static byte[] envelope(long i) {
    return ("{\"envelope\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static String sha(byte[] b) {
    return HexFormat.of().formatHex(Rfc9162.sha256().digest(b));
  }

  /** The fields of the canonical record of leaf {@code i}, in a map tests may change. */
  private static Map<String, JsonValue> recordFields(long i) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(1));
    m.put("envelope_sha256", new JsonString(sha(envelope(i))));
    m.put("time", new JsonInteger(1_900_000_000L + i));
    m.put("index", new JsonInteger(i));
    if (i == 7) {
      m.put("decision", new JsonString("deny"));
      m.put("reason", new JsonString("MALFORMED"));
      return m;
    }
    m.put("id", new JsonString(i == 5 || i == 6 ? ID : String.format(Locale.ROOT, "%032x", i)));
    m.put("cap", new JsonString("deploy"));
    if (i == 6) {
      m.put("decision", new JsonString("deny"));
      m.put("reason", new JsonString("SPENT"));
    } else {
      m.put("decision", new JsonString("allow"));
    }
    return m;
  }

  private static byte[] record(Map<String, JsonValue> fields) {
    return CanonicalJson.write(new JsonObject(fields));
  }

  /** A log of {@link #SIZE} records, with leaf {@code at} replaced by {@code leaf}. */
  private static AppendOnlyLog log(int at, byte[] leaf) {
    AppendOnlyLog log = new AppendOnlyLog();
    for (int i = 0; i < SIZE; i++) {
      log.append(i == at ? leaf : record(recordFields(i)));
    }
    return log;
  }

  private static AppendOnlyLog log() {
    return log(-1, new byte[0]);
  }

  private static byte[] checkpoint(
      AppendOnlyLog log, long size, LogKeySigner signer, String origin) {
    return signer.sign(Checkpoint.of(origin, size, log.root(size), List.of()).format());
  }

  private static String receipt(AppendOnlyLog log, long index, long size) {
    byte[] note = checkpoint(log, size, SIGNER, ORIGIN);
    return json(Receipt.encode(note, log.inclusionProof(index, size), index, log.entry(index)));
  }

  private static String json(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The receipt of leaf {@code index} with one member changed by {@code change}. */
  private static String changed(long index, Consumer<Map<String, JsonValue>> change) {
    AppendOnlyLog log = log();
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("checkpoint", new JsonString(json(checkpoint(log, SIZE, SIGNER, ORIGIN))));
    List<JsonValue> proof = new ArrayList<>();
    for (byte[] h : log.inclusionProof(index, SIZE)) {
      proof.add(new JsonString(Text.base64(h)));
    }
    m.put("inclusion", new JsonArray(proof));
    m.put("index", new JsonInteger(index));
    m.put("leaf", new JsonString(Text.base64(log.entry(index))));
    change.accept(m);
    return json(CanonicalJson.write(new JsonObject(m)));
  }

  private static List<JsonValue> inclusion(Map<String, JsonValue> m) {
    return new ArrayList<>(((JsonArray) m.get("inclusion")).elements());
  }

  private static Receipt verifyAllow5(String receipt) throws LogVerificationException {
    return Receipt.verify(receipt, KEY, envelope(5), "allow", Optional.empty(), Optional.of(ID));
  }

  private static void assertRefused(String receipt, Reason reason) {
    assertThatThrownBy(() -> verifyAllow5(receipt))
        .isInstanceOfSatisfying(
            LogVerificationException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  // valid receipts ----------------------------------------------------------------------------

  @Test
  void verify_allow_returnsIndexCheckpointAndRecord() throws Exception {
    Receipt r = verifyAllow5(receipt(log(), 5, SIZE));

    assertThat(r.index()).isEqualTo(5);
    assertThat(r.checkpoint().size()).isEqualTo(SIZE);
    assertThat(r.checkpoint().origin()).isEqualTo(ORIGIN);
    assertThat(r.checkpoint().root()).isEqualTo(log().root(SIZE));
    assertThat(r.leaf()).isEqualTo(record(recordFields(5)));
    assertThat(r.checkpointNote()).isEqualTo(json(checkpoint(log(), SIZE, SIGNER, ORIGIN)));
    DecisionRecord rec = r.record();
    assertThat(rec.decision()).isEqualTo("allow");
    assertThat(rec.id()).contains(ID);
    assertThat(rec.cap()).contains("deploy");
    assertThat(rec.reason()).isEmpty();
    assertThat(rec.envelopeSha256()).isEqualTo(sha(envelope(5)));
    assertThat(rec.time()).isEqualTo(1_900_000_005L);
    assertThat(rec.index()).isEqualTo(5);
  }

  @Test
  void verify_denySpentAndDenyWithoutId_verifyWithTheirAnswers() throws Exception {
    Receipt spent =
        Receipt.verify(
            receipt(log(), 6, SIZE),
            KEY,
            envelope(6),
            "deny",
            Optional.of("SPENT"),
            Optional.of(ID));
    assertThat(spent.record().reason()).contains("SPENT");
    Receipt malformed =
        Receipt.verify(
            receipt(log(), 7, SIZE),
            KEY,
            envelope(7),
            "deny",
            Optional.of("MALFORMED"),
            Optional.empty());
    assertThat(malformed.record().id()).isEmpty();
    assertThat(malformed.record().cap()).isEmpty();
  }

  @Test
  void verify_treeOfOneAndEveryLeafOfOddSizes_verify() throws Exception {
    AppendOnlyLog one = new AppendOnlyLog();
    one.append(record(recordFields(0)));
    String r = receipt(one, 0, 1);
    assertThat(r).contains("\"inclusion\":[]");
    Receipt.verify(
        r,
        KEY,
        envelope(0),
        "allow",
        Optional.empty(),
        Optional.of(String.format(Locale.ROOT, "%032x", 0)));
    AppendOnlyLog log = log();
    for (int size = 6; size <= SIZE; size++) {
      assertThat(verifyAllow5(receipt(log, 5, size)).checkpoint().size()).isEqualTo(size);
    }
  }

  @Test
  void verify_checkpointCosignedByAnUnknownKey_verifies() throws Exception {
    AppendOnlyLog log = log();
    byte[] note = checkpoint(log, SIZE, SIGNER, ORIGIN);
    String witness = "witness.example/w";
    LogKeySigner w = new LogKeySigner(witness, key(9));
    String extra = json(w.sign(Checkpoint.of(ORIGIN, SIZE, log.root(SIZE), List.of()).format()));
    String cosigned = json(note) + extra.substring(extra.lastIndexOf("\n\n") + 2);
    String r =
        json(
            Receipt.encode(
                cosigned.getBytes(StandardCharsets.UTF_8),
                log.inclusionProof(5, SIZE),
                5,
                log.entry(5)));
    assertThat(verifyAllow5(r).checkpointNote()).isEqualTo(cosigned);
  }

  // step 1: the checkpoint signature --------------------------------------------------------

  @Test
  void verify_checkpointSignatureChanged_failsWithBadSignature() {
    String note = json(checkpoint(log(), SIZE, SIGNER, ORIGIN));
    int at = note.lastIndexOf(' ') + 10;
    String forged =
        note.substring(0, at) + (note.charAt(at) == 'A' ? 'B' : 'A') + note.substring(at + 1);
    assertRefused(
        changed(5, m -> m.put("checkpoint", new JsonString(forged))), Reason.BAD_SIGNATURE);
  }

  @Test
  void verify_checkpointTextChangedAfterSigning_failsWithBadSignature() {
    String note = json(checkpoint(log(), SIZE, SIGNER, ORIGIN));
    String forged = note.replaceFirst("\n16\n", "\n15\n");
    assertThat(forged).isNotEqualTo(note);
    assertRefused(
        changed(5, m -> m.put("checkpoint", new JsonString(forged))), Reason.BAD_SIGNATURE);
  }

  @Test
  void verify_checkpointSignedByAnotherKeyOfTheSameName_failsWithNoKnownSignature() {
    LogKeySigner other = new LogKeySigner(ORIGIN, key(2));
    String note = json(checkpoint(log(), SIZE, other, ORIGIN));
    assertRefused(
        changed(5, m -> m.put("checkpoint", new JsonString(note))), Reason.NO_KNOWN_SIGNATURE);
  }

  @Test
  void verify_checkpointNotANote_failsWithMalformedNote() {
    assertRefused(
        changed(5, m -> m.put("checkpoint", new JsonString("not a note"))), Reason.MALFORMED_NOTE);
  }

  // step 2: the checkpoint ----------------------------------------------------------------

  @Test
  void verify_signedTextIsNotACheckpoint_failsWithMalformedCheckpoint() {
    String note = json(SIGNER.sign(ORIGIN + "\n016\n" + Text.base64(new byte[32]) + "\n"));
    assertRefused(
        changed(5, m -> m.put("checkpoint", new JsonString(note))), Reason.MALFORMED_CHECKPOINT);
  }

  @Test
  void verify_checkpointOfAnotherOrigin_failsWithOriginMismatch() {
    String note = json(checkpoint(log(), SIZE, SIGNER, "other.example/log"));
    assertRefused(
        changed(5, m -> m.put("checkpoint", new JsonString(note))), Reason.ORIGIN_MISMATCH);
  }

  // step 3: index, proof and leaf decode within their limits ---------------------------------

  @Test
  void verify_indexAtOrPastTheSize_failsWithIndexOutOfRange() {
    assertRefused(
        changed(5, m -> m.put("index", new JsonInteger(SIZE))), Reason.INDEX_OUT_OF_RANGE);
    assertRefused(
        changed(5, m -> m.put("index", new JsonInteger(SIZE + 1))), Reason.INDEX_OUT_OF_RANGE);
    assertRefused(changed(5, m -> m.put("index", new JsonInteger(-1))), Reason.INDEX_OUT_OF_RANGE);
  }

  @Test
  void verify_proofOf65Hashes_failsWithBadProofSize() {
    assertRefused(
        changed(
            5,
            m -> {
              List<JsonValue> p = new ArrayList<>();
              for (int i = 0; i < 65; i++) {
                p.add(new JsonString(Text.base64(new byte[32])));
              }
              m.put("inclusion", new JsonArray(p));
            }),
        Reason.BAD_PROOF_SIZE);
  }

  @Test
  void verify_proofHashOf31Bytes_failsWithBadHashSize() {
    assertRefused(
        changed(
            5,
            m -> {
              List<JsonValue> p = inclusion(m);
              p.set(1, new JsonString(Text.base64(new byte[31])));
              m.put("inclusion", new JsonArray(p));
            }),
        Reason.BAD_HASH_SIZE);
  }

  @Test
  void verify_proofHashNotCanonicalBase64_failsWithBadReceipt() {
    assertRefused(
        changed(
            5,
            m -> {
              List<JsonValue> p = inclusion(m);
              String h = ((JsonString) p.get(0)).value();
              p.set(0, new JsonString(h.substring(0, h.length() - 1)));
              m.put("inclusion", new JsonArray(p));
            }),
        Reason.BAD_RECEIPT);
  }

  @Test
  void verify_leafNotCanonicalBase64_failsWithBadReceipt() {
    assertRefused(
        changed(
            5,
            m -> {
              String leaf = ((JsonString) m.get("leaf")).value();
              m.put("leaf", new JsonString(leaf.replace("=", "")));
            }),
        Reason.BAD_RECEIPT);
    assertRefused(changed(5, m -> m.put("leaf", new JsonString("!!!!"))), Reason.BAD_RECEIPT);
  }

  @Test
  void verify_leafLongerThan65536Bytes_failsWithBadReceipt() {
    String big = Text.base64(new byte[LogLimits.MAX_RECEIPT_LEAF_BYTES + 1]);
    assertRefused(changed(5, m -> m.put("leaf", new JsonString(big))), Reason.BAD_RECEIPT);
    // the largest allowed leaf is decoded, then fails inclusion
    String max = Text.base64(new byte[LogLimits.MAX_RECEIPT_LEAF_BYTES]);
    assertRefused(changed(5, m -> m.put("leaf", new JsonString(max))), Reason.INCLUSION_MISMATCH);
  }

  // step 4: inclusion ----------------------------------------------------------------------

  @Test
  void verify_leafByteFlipped_failsWithInclusionMismatch() {
    byte[] leaf = record(recordFields(5));
    for (int at : new int[] {0, leaf.length / 2, leaf.length - 1}) {
      byte[] flipped = leaf.clone();
      flipped[at] ^= 0x01;
      assertRefused(
          changed(5, m -> m.put("leaf", new JsonString(Text.base64(flipped)))),
          Reason.INCLUSION_MISMATCH);
    }
  }

  @Test
  void verify_indexPlusOrMinusOne_failsWithInclusionMismatch() {
    // a tree of 16 leaves is perfect: every path has 4 hashes, so only the hashes can disagree
    assertRefused(changed(5, m -> m.put("index", new JsonInteger(6))), Reason.INCLUSION_MISMATCH);
    assertRefused(changed(5, m -> m.put("index", new JsonInteger(4))), Reason.INCLUSION_MISMATCH);
  }

  @Test
  void verify_everyProofHashFlipped_failsWithInclusionMismatch() {
    for (int i = 0; i < 4; i++) {
      int which = i;
      assertRefused(
          changed(
              5,
              m -> {
                List<JsonValue> p = inclusion(m);
                byte[] h = Base64.getDecoder().decode(((JsonString) p.get(which)).value());
                h[31] ^= 0x01;
                p.set(which, new JsonString(Text.base64(h)));
                m.put("inclusion", new JsonArray(p));
              }),
          Reason.INCLUSION_MISMATCH);
    }
  }

  @Test
  void verify_proofOneHashTooLongOrTooShort_failsWithBadProofSize() {
    assertRefused(
        changed(
            5,
            m -> {
              List<JsonValue> p = inclusion(m);
              p.add(p.get(0));
              m.put("inclusion", new JsonArray(p));
            }),
        Reason.BAD_PROOF_SIZE);
    assertRefused(
        changed(
            5,
            m -> {
              List<JsonValue> p = inclusion(m);
              p.remove(p.size() - 1);
              m.put("inclusion", new JsonArray(p));
            }),
        Reason.BAD_PROOF_SIZE);
  }

  @Test
  void verify_proofForAnotherSize_failsWithInclusionMismatch() {
    AppendOnlyLog log = log();
    byte[] note = checkpoint(log, SIZE, SIGNER, ORIGIN);
    // leaf 5 has a 4-hash path in trees of 9 to 16 leaves; the one for 12 leads to another root
    String r = json(Receipt.encode(note, log.inclusionProof(5, 12), 5, log.entry(5)));
    assertRefused(r, Reason.INCLUSION_MISMATCH);
  }

  // step 5: the decision record ----------------------------------------------------------

  @Test
  void verify_envelopeOfOtherBytes_failsWithReceiptMismatch() {
    String r = receipt(log(), 5, SIZE);
    for (byte[] e : new byte[][] {envelope(6), new byte[0], "x".getBytes(StandardCharsets.UTF_8)}) {
      assertThatThrownBy(
              () -> Receipt.verify(r, KEY, e, "allow", Optional.empty(), Optional.of(ID)))
          .isInstanceOfSatisfying(
              LogVerificationException.class,
              x -> assertThat(x.reason()).isEqualTo(Reason.RECEIPT_MISMATCH));
    }
  }

  @Test
  void verify_answerDecisionReasonOrIdDiffers_failsWithReceiptMismatch() {
    String allow = receipt(log(), 5, SIZE);
    String spent = receipt(log(), 6, SIZE);
    String noId = receipt(log(), 7, SIZE);
    String other = "fedcba9876543210fedcba9876543210";
    List<Attempt> attempts =
        List.of(
            new Attempt(allow, 5, "deny", Optional.empty(), Optional.of(ID)),
            new Attempt(allow, 5, "allow", Optional.of("SPENT"), Optional.of(ID)),
            new Attempt(allow, 5, "allow", Optional.empty(), Optional.of(other)),
            new Attempt(allow, 5, "allow", Optional.empty(), Optional.empty()),
            new Attempt(allow, 5, "ALLOW", Optional.empty(), Optional.of(ID)),
            new Attempt(spent, 6, "allow", Optional.empty(), Optional.of(ID)),
            new Attempt(spent, 6, "deny", Optional.of("EXPIRED"), Optional.of(ID)),
            new Attempt(spent, 6, "deny", Optional.empty(), Optional.of(ID)),
            new Attempt(spent, 6, "deny", Optional.of("SPENT"), Optional.empty()),
            new Attempt(noId, 7, "deny", Optional.of("MALFORMED"), Optional.of(ID)),
            new Attempt(noId, 7, "deny", Optional.of("OVERSIZE"), Optional.empty()));
    for (Attempt a : attempts) {
      assertThatThrownBy(
              () ->
                  Receipt.verify(
                      a.receipt(), KEY, envelope(a.leaf()), a.decision(), a.reason(), a.id()))
          .as("%s %s %s", a.decision(), a.reason(), a.id())
          .isInstanceOfSatisfying(
              LogVerificationException.class,
              x -> assertThat(x.reason()).isEqualTo(Reason.RECEIPT_MISMATCH));
    }
  }

  /** A receipt, the leaf whose envelope is sent, and the answer claimed. */
  private record Attempt(
      String receipt, int leaf, String decision, Optional<String> reason, Optional<String> id) {}

  @Test
  void verify_recordIndexFieldDiffersFromTheReceiptIndex_failsWithReceiptMismatch() {
    Map<String, JsonValue> fields = recordFields(5);
    fields.put("index", new JsonInteger(4));
    assertRefused(receipt(log(5, record(fields)), 5, SIZE), Reason.RECEIPT_MISMATCH);
  }

  @Test
  void verify_leafNotACanonicalDecisionRecord_failsWithMalformedRecord() {
    List<byte[]> leaves = new ArrayList<>();
    // the same members in input order, not sorted: valid JSON, not canonical
    Map<String, JsonValue> f = recordFields(5);
    StringBuilder unsorted = new StringBuilder("{");
    for (Map.Entry<String, JsonValue> e : f.entrySet()) {
      if (unsorted.length() > 1) {
        unsorted.append(',');
      }
      unsorted.append('"').append(e.getKey()).append("\":");
      unsorted.append(json(CanonicalJson.write(e.getValue())));
    }
    leaves.add(unsorted.append('}').toString().getBytes(StandardCharsets.UTF_8));
    leaves.add((json(record(f)) + " ").getBytes(StandardCharsets.UTF_8));
    leaves.add("not a decision record\n".getBytes(StandardCharsets.UTF_8));
    leaves.add(new byte[0]);
    leaves.add("[1]".getBytes(StandardCharsets.UTF_8));
    leaves.add(withField(f, "v", new JsonInteger(2)));
    leaves.add(withField(f, "extra", new JsonString("x")));
    leaves.add(withField(f, "reason", new JsonString("SPENT")));
    leaves.add(withField(f, "decision", new JsonString("maybe")));
    leaves.add(withField(f, "id", new JsonString(ID.toUpperCase(Locale.ROOT))));
    leaves.add(withField(f, "id", new JsonInteger(5)));
    leaves.add(withField(f, "cap", new JsonString("launch")));
    leaves.add(withField(f, "time", new JsonString("1900000005")));
    leaves.add(withField(f, "time", new JsonInteger(-1)));
    leaves.add(withField(f, "envelope_sha256", new JsonString(sha(envelope(5)).substring(1))));
    leaves.add(without(f, "envelope_sha256"));
    leaves.add(without(f, "time"));
    leaves.add(without(f, "index"));
    leaves.add(without(f, "v"));
    leaves.add(without(f, "id"));
    leaves.add(without(f, "cap"));
    leaves.add(without(f, "decision"));
    Map<String, JsonValue> deny = recordFields(6);
    leaves.add(without(deny, "reason"));
    leaves.add(withField(deny, "reason", new JsonString("NOT_A_REASON")));
    for (byte[] leaf : leaves) {
      assertThatThrownBy(() -> verifyAllow5(receipt(log(5, leaf), 5, SIZE)))
          .as("%s", json(leaf))
          .isInstanceOfSatisfying(
              LogVerificationException.class,
              x -> assertThat(x.reason()).isEqualTo(Reason.MALFORMED_RECORD));
    }
  }

  private static byte[] withField(Map<String, JsonValue> fields, String name, JsonValue v) {
    Map<String, JsonValue> m = new LinkedHashMap<>(fields);
    m.put(name, v);
    return record(m);
  }

  private static byte[] without(Map<String, JsonValue> fields, String name) {
    Map<String, JsonValue> m = new LinkedHashMap<>(fields);
    m.remove(name);
    return record(m);
  }

  // the receipt object itself ------------------------------------------------------------

  @Test
  void verify_receiptNotTheFourFieldObject_failsWithBadReceipt() {
    String valid = receipt(log(), 5, SIZE);
    List<String> broken =
        List.of(
            "",
            "null",
            "[]",
            "{}",
            valid.substring(0, valid.length() - 1),
            valid + "x",
            valid.replace("\"leaf\"", "\"Leaf\""),
            valid.replaceFirst("\\{", "{\"extra\":1,"),
            valid.replaceFirst("\\{", "{\"leaf\":\"\","),
            changed(5, m -> m.remove("inclusion")),
            changed(5, m -> m.remove("checkpoint")),
            changed(5, m -> m.put("index", new JsonString("5"))),
            changed(5, m -> m.put("leaf", new JsonInteger(5))),
            changed(5, m -> m.put("checkpoint", new JsonArray(List.of()))),
            changed(5, m -> m.put("inclusion", new JsonString("x"))),
            changed(5, m -> m.put("inclusion", new JsonArray(List.of(new JsonInteger(1))))));
    for (String r : broken) {
      assertThatThrownBy(() -> verifyAllow5(r))
          .as("%s", r.length() > 60 ? r.substring(0, 60) : r)
          .isInstanceOfSatisfying(
              LogVerificationException.class,
              x -> assertThat(x.reason()).isEqualTo(Reason.BAD_RECEIPT));
    }
  }

  @Test
  void verify_receiptWithWhitespaceAndOtherMemberOrder_verifies() throws Exception {
    String valid = receipt(log(), 5, SIZE);
    String spaced = " " + valid.replace(",\"", " , \"").replace(":", " : ") + "\n";
    assertThat(verifyAllow5(spaced).index()).isEqualTo(5);
  }

  @Test
  void encode_isCanonicalJsonOfTheFourFields() {
    AppendOnlyLog log = log();
    byte[] note = checkpoint(log, SIZE, SIGNER, ORIGIN);
    String r = json(Receipt.encode(note, log.inclusionProof(5, SIZE), 5, log.entry(5)));
    assertThat(r).startsWith("{\"checkpoint\":\"writ.example/log\\n16\\n");
    assertThat(r).contains(",\"index\":5,\"leaf\":\"" + Text.base64(log.entry(5)) + "\"}");
    assertThatThrownBy(() -> Receipt.encode(note, List.of(new byte[31]), 5, log.entry(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Receipt.encode(note, List.of(), -1, log.entry(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Receipt.encode(new byte[] {(byte) 0xff}, List.of(), 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
