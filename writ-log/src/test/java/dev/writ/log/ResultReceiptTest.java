package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.SpiffeId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
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
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * {@link Receipt#verifyResult} and {@link ResultRecord#parse} (docs/spec/log.md sections 12 and
 * 13): receipts of result leaves in a real {@link AppendOnlyLog} verify; a changed leaf, index or
 * checkpoint is refused at the step that catches it; a decision record is not a result record and a
 * result record is not a decision record; the record parser is strict.
 */
class ResultReceiptTest {
  private static final String ORIGIN = "writ.example/log";
  private static final LogKeySigner SIGNER = new LogKeySigner(ORIGIN, key(1));
  private static final NoteVerifierKey KEY = SIGNER.verifierKey();
  private static final SpiffeId NODE = new SpiffeId("fleet.test", "/node/web-1");

  /** Leaves 0..9: even leaves are decision records, odd ones result records. */
  private static final int SIZE = 10;

  private static final String ID = "0123456789abcdef0123456789abcdef";

  private static Ed25519PrivateKeyParameters key(int seed) {
    byte[] raw = new byte[32];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i * 7 + seed);
    }
    return new Ed25519PrivateKeyParameters(raw, 0);
  }

  private static byte[] doc(long i) {
    return ("{\"decision\":\"done\",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, JsonValue> resultFields(long i) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(1));
    m.put("kind", new JsonString("result"));
    m.put("index", new JsonInteger(i));
    m.put("time", new JsonInteger(1_900_000_000L + i));
    m.put("node", new JsonString(NODE.toString()));
    m.put("result", b64(doc(i)));
    m.put("signature", b64(new byte[] {1, 2, 3, (byte) i}));
    m.put("cert", b64(new byte[] {0x30, (byte) i}));
    return m;
  }

  private static byte[] envelope(long i) {
    return ("{\"envelope\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, JsonValue> decisionFields(long i) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(1));
    m.put("envelope_sha256", new JsonString(sha(envelope(i))));
    m.put("time", new JsonInteger(1_900_000_000L + i));
    m.put("index", new JsonInteger(i));
    m.put("id", new JsonString(ID));
    m.put("cap", new JsonString("deploy"));
    m.put("decision", new JsonString("allow"));
    return m;
  }

  private static JsonString b64(byte[] b) {
    return new JsonString(Base64.getEncoder().encodeToString(b));
  }

  private static String sha(byte[] b) {
    return HexFormat.of().formatHex(Rfc9162.sha256().digest(b));
  }

  private static byte[] canonical(Map<String, JsonValue> m) {
    return CanonicalJson.write(new JsonObject(m));
  }

  private static AppendOnlyLog log(int at, byte[] leaf) {
    AppendOnlyLog log = new AppendOnlyLog();
    for (int i = 0; i < SIZE; i++) {
      if (i == at) {
        log.append(leaf);
      } else {
        log.append(canonical(i % 2 == 0 ? decisionFields(i) : resultFields(i)));
      }
    }
    return log;
  }

  private static AppendOnlyLog log() {
    return log(-1, new byte[0]);
  }

  private static String receipt(AppendOnlyLog log, long index, long size) {
    byte[] note = SIGNER.sign(Checkpoint.of(ORIGIN, size, log.root(size), List.of()).format());
    return new String(
        Receipt.encode(note, log.inclusionProof(index, size), index, log.entry(index)),
        StandardCharsets.UTF_8);
  }

  private static void assertRefused(String receipt, Reason reason) {
    assertThatThrownBy(() -> Receipt.verifyResult(receipt, KEY))
        .isInstanceOfSatisfying(
            LogVerificationException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void verifyResult_resultLeaf_returnsTheRecordAndWhereTheLogHoldsIt() throws Exception {
    ResultReceipt r = Receipt.verifyResult(receipt(log(), 5, SIZE), KEY);

    assertThat(r.index()).isEqualTo(5);
    assertThat(r.checkpoint().size()).isEqualTo(SIZE);
    assertThat(r.checkpoint().root()).isEqualTo(log().root(SIZE));
    assertThat(r.leaf()).isEqualTo(canonical(resultFields(5)));
    ResultRecord rec = r.record();
    assertThat(rec.index()).isEqualTo(5);
    assertThat(rec.time()).isEqualTo(1_900_000_005L);
    assertThat(rec.node()).isEqualTo(NODE);
    assertThat(rec.result()).isEqualTo(doc(5));
    assertThat(rec.signature()).containsExactly(1, 2, 3, 5);
    assertThat(rec.cert()).containsExactly(0x30, 5);
  }

  @Test
  void verifyResult_everyResultLeafOfEverySize_verifies() throws Exception {
    AppendOnlyLog log = log();
    for (int size = 2; size <= SIZE; size++) {
      for (int i = 1; i < size; i += 2) {
        assertThat(Receipt.verifyResult(receipt(log, i, size), KEY).record().index()).isEqualTo(i);
      }
    }
  }

  @Test
  void verifyResult_leafChangedInTheReceipt_failsWithInclusionMismatch() {
    Map<String, JsonValue> other = resultFields(5);
    other.put("result", b64("{\"decision\":\"refused\"}".getBytes(StandardCharsets.UTF_8)));
    String valid = receipt(log(), 5, SIZE);
    String tampered =
        valid.replace(
            Base64.getEncoder().encodeToString(canonical(resultFields(5))),
            Base64.getEncoder().encodeToString(canonical(other)));
    assertThat(tampered).isNotEqualTo(valid);

    assertRefused(tampered, Reason.INCLUSION_MISMATCH);
  }

  @Test
  void verifyResult_receiptIndexOfAnotherLeaf_failsWithInclusionMismatch() {
    String valid = receipt(log(), 5, SIZE);
    assertRefused(valid.replace("\"index\":5", "\"index\":3"), Reason.INCLUSION_MISMATCH);
    assertRefused(valid.replace("\"index\":5", "\"index\":10"), Reason.INDEX_OUT_OF_RANGE);
  }

  @Test
  void verifyResult_recordIndexNotItsPosition_failsWithReceiptMismatch() {
    Map<String, JsonValue> f = resultFields(5);
    f.put("index", new JsonInteger(3));
    assertRefused(receipt(log(5, canonical(f)), 5, SIZE), Reason.RECEIPT_MISMATCH);
  }

  @Test
  void verifyResult_checkpointByAnotherKey_failsWithNoKnownSignature() {
    AppendOnlyLog log = log();
    LogKeySigner other = new LogKeySigner(ORIGIN, key(2));
    byte[] note = other.sign(Checkpoint.of(ORIGIN, SIZE, log.root(SIZE), List.of()).format());
    String r =
        new String(
            Receipt.encode(note, log.inclusionProof(5, SIZE), 5, log.entry(5)),
            StandardCharsets.UTF_8);
    assertRefused(r, Reason.NO_KNOWN_SIGNATURE);
  }

  @Test
  void verifyResult_decisionRecordLeaf_failsWithMalformedRecord() {
    assertRefused(receipt(log(), 4, SIZE), Reason.MALFORMED_RECORD);
  }

  @Test
  void verify_resultRecordLeafOnTheDecisionPath_failsWithMalformedRecord() {
    String r = receipt(log(), 5, SIZE);
    assertThatThrownBy(
            () -> Receipt.verify(r, KEY, envelope(5), "allow", Optional.empty(), Optional.of(ID)))
        .isInstanceOfSatisfying(
            LogVerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_RECORD));
  }

  @Test
  void parse_anythingButTheStrictRecord_failsWithMalformedRecord() {
    Map<String, JsonValue> f = resultFields(5);
    List<byte[]> leaves = new ArrayList<>();
    leaves.add(
        (new String(canonical(f), StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8));
    leaves.add(unsorted(f));
    leaves.add(new byte[0]);
    leaves.add("[1]".getBytes(StandardCharsets.UTF_8));
    leaves.add(with(f, "v", new JsonInteger(2)));
    leaves.add(with(f, "kind", new JsonString("decision")));
    leaves.add(with(f, "kind", new JsonInteger(1)));
    leaves.add(with(f, "index", new JsonInteger(-1)));
    leaves.add(with(f, "time", new JsonInteger(-1)));
    leaves.add(with(f, "time", new JsonString("1900000005")));
    leaves.add(with(f, "node", new JsonString("web-1")));
    leaves.add(with(f, "node", new JsonString("spiffe://fleet.test/node/web-1/")));
    leaves.add(with(f, "result", new JsonString("e30")));
    leaves.add(with(f, "signature", new JsonString("AQID BQ==")));
    leaves.add(with(f, "cert", new JsonInteger(48)));
    leaves.add(with(f, "extra", new JsonString("x")));
    for (String name : f.keySet()) {
      leaves.add(without(f, name));
    }
    leaves.add(with(f, "result", b64(new byte[ResultRecord.MAX_BYTES])));
    for (byte[] leaf : leaves) {
      assertThatThrownBy(() -> ResultRecord.parse(leaf))
          .as("%s", new String(leaf, StandardCharsets.UTF_8))
          .isInstanceOfSatisfying(
              LogVerificationException.class,
              x -> assertThat(x.reason()).isEqualTo(Reason.MALFORMED_RECORD));
    }
  }

  @Test
  void parse_recordOfExactlyTheLimit_parses() throws Exception {
    Map<String, JsonValue> f = resultFields(5);
    int base = canonical(f).length - ((JsonString) f.get("cert")).value().length();
    int room = (ResultRecord.MAX_BYTES - base) / 4 * 3;
    f.put("cert", b64(new byte[room]));
    byte[] leaf = canonical(f);
    assertThat(leaf.length).isLessThanOrEqualTo(ResultRecord.MAX_BYTES);

    assertThat(ResultRecord.parse(leaf).cert()).hasSize(room);
  }

  @Test
  void accessors_returnCopies() throws Exception {
    ResultRecord r = ResultRecord.parse(canonical(resultFields(5)));
    r.result()[0] = 'x';
    r.signature()[0] = 9;
    r.cert()[0] = 9;

    assertThat(r.result()).isEqualTo(doc(5));
    assertThat(r.signature()[0]).isEqualTo((byte) 1);
    assertThat(r.cert()[0]).isEqualTo((byte) 0x30);
  }

  private static byte[] unsorted(Map<String, JsonValue> f) {
    StringBuilder s = new StringBuilder("{");
    for (Map.Entry<String, JsonValue> e : f.entrySet()) {
      if (s.length() > 1) {
        s.append(',');
      }
      s.append('"').append(e.getKey()).append("\":");
      s.append(new String(CanonicalJson.write(e.getValue()), StandardCharsets.UTF_8));
    }
    return s.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] with(Map<String, JsonValue> fields, String name, JsonValue v) {
    Map<String, JsonValue> m = new LinkedHashMap<>(fields);
    m.put(name, v);
    return canonical(m);
  }

  private static byte[] without(Map<String, JsonValue> fields, String name) {
    Map<String, JsonValue> m = new LinkedHashMap<>(fields);
    m.remove(name);
    return canonical(m);
  }
}
