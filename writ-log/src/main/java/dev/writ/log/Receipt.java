package dev.writ.log;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A server receipt that passed every check of docs/spec/api.md section 3: the log key signed a
 * checkpoint whose tree holds, at {@link #index()}, a decision record for the exact envelope sent
 * that says what the server answered. Only {@link #verify} makes one.
 *
 * <p>What it does not prove: that the tree is the one everybody else sees (that is what audits with
 * a trusted checkpoint and witnesses establish), nor anything about a writ beyond its record.
 *
 * <p>Immutable and thread-safe.
 */
public final class Receipt {
  private static final Set<String> FIELDS = Set.of("checkpoint", "inclusion", "index", "leaf");

  /**
   * A receipt is an object holding one array (depth 2); 1,024 elements is far above the 64 proof
   * hashes step 3 allows, which are then refused with {@link Reason#BAD_PROOF_SIZE}.
   */
  private static final JsonLimits LIMITS =
      new JsonLimits(LogLimits.MAX_RECEIPT_BYTES, 2, LogLimits.MAX_RECEIPT_BYTES, 1024);

  private static final JsonReader READER = new JsonReader(LIMITS, JsonReader.Mode.INTEGERS_ONLY);

  private final long index;
  private final Checkpoint checkpoint;
  private final String checkpointNote;
  private final byte[] leaf;
  private final DecisionRecord record;

  private Receipt(
      long index,
      Checkpoint checkpoint,
      String checkpointNote,
      byte[] leaf,
      DecisionRecord record) {
    this.index = index;
    this.checkpoint = checkpoint;
    this.checkpointNote = checkpointNote;
    this.leaf = leaf;
    this.record = record;
  }

  /**
   * Verifies the receipt {@code receiptJson} (the JSON text of the answer's {@code receipt} object)
   * against the log's verifier key, the exact envelope bytes sent and the answer's {@code
   * decision}, {@code reason} and {@code id}, in the order of api.md section 3, and returns it;
   * throws at the first check that fails. The record's {@code reason} and {@code id} must each be
   * absent from both the record and the answer, or present in both and equal.
   *
   * @throws LogVerificationException with {@link Reason#BAD_RECEIPT} when the receipt is not the
   *     four-field object; then, per step: 1 {@code MALFORMED_NOTE}, {@code BAD_SIGNATURE} or
   *     {@code NO_KNOWN_SIGNATURE}; 2 {@code MALFORMED_CHECKPOINT} or {@code ORIGIN_MISMATCH}; 3
   *     {@code INDEX_OUT_OF_RANGE}, {@code BAD_PROOF_SIZE}, {@code BAD_HASH_SIZE} or {@code
   *     BAD_RECEIPT}; 4 {@code INCLUSION_MISMATCH} or {@code BAD_PROOF_SIZE}; 5 {@code
   *     MALFORMED_RECORD} or {@code RECEIPT_MISMATCH}
   */
  public static Receipt verify(
      String receiptJson,
      NoteVerifierKey key,
      byte[] envelope,
      String decision,
      Optional<String> reason,
      Optional<String> id)
      throws LogVerificationException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(id, "id");
    Included in = included(receiptJson, key);
    // 5. the leaf records this envelope and this answer
    DecisionRecord record = DecisionRecord.parse(in.leaf);
    checkRecord(record, in.index, envelope, decision, reason, id);
    return new Receipt(in.index, in.checkpoint, in.note, in.leaf, record);
  }

  /**
   * Verifies the receipt of a result leaf (docs/spec/log.md section 12, steps 0 to 4, then section
   * 13): the log key signed a checkpoint whose tree holds, at the receipt's index, a result record.
   * The record's own {@code index} must be the receipt's. Step 5's decision checks do not apply: a
   * result has no envelope or decision of its own; whoever reads it checks its certificate and
   * signature.
   *
   * @throws LogVerificationException with the reasons of steps 0 to 4 as {@link #verify}; {@code
   *     MALFORMED_RECORD} when the leaf is not a result record (a decision record included); {@code
   *     RECEIPT_MISMATCH} when the record's index is not the receipt's
   */
  public static ResultReceipt verifyResult(String receiptJson, NoteVerifierKey key)
      throws LogVerificationException {
    Objects.requireNonNull(key, "key");
    Included in = included(receiptJson, key);
    ResultRecord record = ResultRecord.parse(in.leaf);
    if (record.index() != in.index) {
      throw mismatch("record index " + record.index() + " is not the receipt index " + in.index);
    }
    return new ResultReceipt(in.index, in.checkpoint, in.note, in.leaf, record);
  }

  /** Steps 0 to 4 of api.md section 3: the leaf is at the index in a tree the log key signed. */
  private static Included included(String receiptJson, NoteVerifierKey key)
      throws LogVerificationException {
    Objects.requireNonNull(receiptJson, "receiptJson");
    Fields r = Fields.parse(receiptJson);
    // 1. the checkpoint is a note signed by the log key
    VerifiedNote note =
        SignedNotes.open(r.checkpoint.getBytes(StandardCharsets.UTF_8), List.of(key));
    // 2. it is a checkpoint of this log
    Checkpoint checkpoint = Checkpoint.parse(note.text());
    if (!checkpoint.origin().equals(key.name())) {
      throw new LogVerificationException(
          Reason.ORIGIN_MISMATCH,
          "checkpoint origin " + checkpoint.origin() + " is not the log key's name " + key.name());
    }
    // 3. the index is in the tree; the proof and the leaf decode within their limits
    if (r.index < 0 || r.index >= checkpoint.size()) {
      throw new LogVerificationException(
          Reason.INDEX_OUT_OF_RANGE,
          "receipt index " + r.index + " is not in 0.." + (checkpoint.size() - 1));
    }
    List<byte[]> proof = decodeProof(r.inclusion);
    byte[] leaf = decodeLeaf(r.leaf);
    // 4. the leaf is at that index in the signed tree
    Rfc9162.verifyInclusion(
        r.index, checkpoint.size(), Rfc9162.leafHash(leaf), proof, checkpoint.root());
    return new Included(r.index, checkpoint, r.checkpoint, leaf);
  }

  /**
   * The canonical JSON of a receipt object {@code {"checkpoint","inclusion","index","leaf"}}, as a
   * server sends it: {@code checkpointNote} the signed checkpoint note (UTF-8), {@code inclusion}
   * the audit path of leaf {@code index} in that checkpoint's tree, {@code leaf} the entry bytes.
   *
   * @throws IllegalArgumentException if the note is not UTF-8 text, the index is negative or above
   *     2^53 - 1, or a hash is not 32 bytes
   */
  public static byte[] encode(
      byte[] checkpointNote, List<byte[]> inclusion, long index, byte[] leaf) {
    String note;
    try {
      note = Text.utf8(checkpointNote, Reason.MALFORMED_NOTE);
    } catch (LogVerificationException e) {
      throw new IllegalArgumentException("the checkpoint note is not UTF-8", e);
    }
    if (index < 0) {
      throw new IllegalArgumentException("negative leaf index " + index);
    }
    List<JsonValue> hashes = new ArrayList<>(inclusion.size());
    for (byte[] h : inclusion) {
      if (h.length != LogLimits.HASH_BYTES) {
        throw new IllegalArgumentException("a proof hash is 32 bytes, got " + h.length);
      }
      hashes.add(new JsonString(Text.base64(h)));
    }
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("checkpoint", new JsonString(note));
    m.put("inclusion", new JsonArray(hashes));
    m.put("index", new JsonInteger(index));
    m.put("leaf", new JsonString(Text.base64(leaf)));
    return CanonicalJson.write(new JsonObject(m));
  }

  /** The leaf's position in the log. */
  public long index() {
    return index;
  }

  /** The signed checkpoint whose tree holds the leaf (size above {@link #index()}). */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The signed checkpoint note as received. */
  public String checkpointNote() {
    return checkpointNote;
  }

  /** A copy of the leaf bytes (the canonical decision record). */
  public byte[] leaf() {
    return leaf.clone();
  }

  /** The decision record the leaf holds. */
  public DecisionRecord record() {
    return record;
  }

  private static List<byte[]> decodeProof(List<String> inclusion) throws LogVerificationException {
    if (inclusion.size() > LogLimits.MAX_PROOF_HASHES) {
      throw new LogVerificationException(
          Reason.BAD_PROOF_SIZE,
          inclusion.size() + " inclusion hashes, more than " + LogLimits.MAX_PROOF_HASHES);
    }
    List<byte[]> proof = new ArrayList<>(inclusion.size());
    for (int i = 0; i < inclusion.size(); i++) {
      int n = i;
      byte[] h =
          Text.base64(inclusion.get(i))
              .orElseThrow(() -> bad("inclusion hash " + n + " is not canonical base64"));
      if (h.length != LogLimits.HASH_BYTES) {
        throw new LogVerificationException(
            Reason.BAD_HASH_SIZE, "inclusion hash " + i + " has " + h.length + " bytes, not 32");
      }
      proof.add(h);
    }
    return proof;
  }

  private static byte[] decodeLeaf(String leaf) throws LogVerificationException {
    // base64 of the largest leaf is 87,384 characters; refuse longer text before decoding it
    if (leaf.length() > (LogLimits.MAX_RECEIPT_LEAF_BYTES + 2) / 3 * 4) {
      throw bad("leaf is longer than " + LogLimits.MAX_RECEIPT_LEAF_BYTES + " bytes");
    }
    byte[] bytes = Text.base64(leaf).orElseThrow(() -> bad("leaf is not canonical base64"));
    if (bytes.length > LogLimits.MAX_RECEIPT_LEAF_BYTES) {
      throw bad("leaf is longer than " + LogLimits.MAX_RECEIPT_LEAF_BYTES + " bytes");
    }
    return bytes;
  }

  private static void checkRecord(
      DecisionRecord record,
      long index,
      byte[] envelope,
      String decision,
      Optional<String> reason,
      Optional<String> id)
      throws LogVerificationException {
    if (record.index() != index) {
      throw mismatch("record index " + record.index() + " is not the receipt index " + index);
    }
    String sha = HexFormat.of().formatHex(Rfc9162.sha256().digest(envelope));
    if (!MessageDigest.isEqual(
        record.envelopeSha256().getBytes(StandardCharsets.US_ASCII),
        sha.getBytes(StandardCharsets.US_ASCII))) {
      throw mismatch("the record is of another envelope (sha256 " + record.envelopeSha256() + ")");
    }
    if (!record.decision().equals(decision)) {
      throw mismatch("record decision " + record.decision() + " is not the answer's " + decision);
    }
    if (!record.reason().equals(reason)) {
      throw mismatch(
          "record reason "
              + record.reason().orElse("(none)")
              + " is not the answer's "
              + reason.orElse("(none)"));
    }
    if (!record.id().equals(id)) {
      throw mismatch(
          "record id "
              + record.id().orElse("(none)")
              + " is not the answer's "
              + id.orElse("(none)"));
    }
  }

  private static LogVerificationException bad(String detail) {
    return new LogVerificationException(Reason.BAD_RECEIPT, detail);
  }

  private static LogVerificationException mismatch(String detail) {
    return new LogVerificationException(Reason.RECEIPT_MISMATCH, detail);
  }

  /** A leaf that steps 0 to 4 placed at {@code index} in the signed {@code checkpoint}. */
  @SuppressWarnings("ArrayRecordComponent") // private, passed between two steps of one call
  private record Included(long index, Checkpoint checkpoint, String note, byte[] leaf) {}

  /** The receipt's four fields, typed but not yet decoded or checked. */
  private record Fields(String checkpoint, List<String> inclusion, long index, String leaf) {
    static Fields parse(String json) throws LogVerificationException {
      if (json.length() > LogLimits.MAX_RECEIPT_BYTES) {
        throw bad("receipt longer than " + LogLimits.MAX_RECEIPT_BYTES + " characters");
      }
      JsonValue value;
      try {
        value = READER.read(json.getBytes(StandardCharsets.UTF_8));
      } catch (JsonException e) {
        throw new LogVerificationException(
            Reason.BAD_RECEIPT, "receipt is not JSON: " + e.getMessage(), e);
      }
      if (!(value instanceof JsonObject object) || !object.members().keySet().equals(FIELDS)) {
        throw bad("receipt is not an object of exactly checkpoint, inclusion, index and leaf");
      }
      Map<String, JsonValue> m = object.members();
      if (!(m.get("checkpoint") instanceof JsonString checkpoint)) {
        throw bad("checkpoint is not a string");
      }
      if (!(m.get("index") instanceof JsonInteger index)) {
        throw bad("index is not an integer");
      }
      if (!(m.get("leaf") instanceof JsonString leaf)) {
        throw bad("leaf is not a string");
      }
      if (!(m.get("inclusion") instanceof JsonArray array)) {
        throw bad("inclusion is not an array");
      }
      List<String> inclusion = new ArrayList<>(array.elements().size());
      for (JsonValue h : array.elements()) {
        if (!(h instanceof JsonString s)) {
          throw bad("an inclusion hash is not a string");
        }
        inclusion.add(s.value());
      }
      return new Fields(checkpoint.value(), inclusion, index.value(), leaf.value());
    }
  }
}
