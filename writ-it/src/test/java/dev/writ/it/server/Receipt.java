package dev.writ.it.server;

import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import dev.writ.log.Rfc9162;
import dev.writ.log.SignedNotes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A receipt that passed every step of docs/spec/api.md section 3 against the log key and the exact
 * envelope bytes the client sent: only {@link #verify} makes one. It proves the log key signed a
 * tree holding this decision at this index; whether that tree is the one every peer serves is what
 * the final log audit checks. Immutable and thread-safe.
 */
final class Receipt {
  /** Section 3 step 3: at most 64 proof hashes, a leaf of at most 65,536 bytes. */
  private static final int MAX_PROOF = 64;

  private static final int MAX_LEAF_BYTES = 65_536;
  private static final int HASH_BYTES = 32;

  private final String note;
  private final Checkpoint checkpoint;
  private final long index;
  private final byte[] leaf;
  private final String decision;
  private final Optional<String> reason;
  private final Optional<String> id;

  private Receipt(
      String note,
      Checkpoint checkpoint,
      long index,
      byte[] leaf,
      String decision,
      Optional<String> reason,
      Optional<String> id) {
    this.note = note;
    this.checkpoint = checkpoint;
    this.index = index;
    this.leaf = leaf;
    this.decision = decision;
    this.reason = reason;
    this.id = id;
  }

  /**
   * Checks the receipt of {@code answer} in the order of section 3, then that the answer's own
   * fields are those the leaf records.
   *
   * @throws AssertionError naming the first step that fails
   */
  static Receipt verify(Answer answer, NoteVerifierKey key, byte[] envelope) {
    Map<String, JsonValue> a = answer.json();
    Map<String, JsonValue> r = Json.object(a, "receipt");
    String note = Json.string(r, "checkpoint");
    Checkpoint cp;
    try {
      String text = SignedNotes.open(note.getBytes(StandardCharsets.UTF_8), List.of(key)).text();
      cp = Checkpoint.parse(text); // steps 1 and 2
    } catch (LogVerificationException e) {
      throw new AssertionError("receipt step 1/2: checkpoint does not open: " + e.getMessage(), e);
    }
    check(cp.origin().equals(key.name()), 2, "origin " + cp.origin() + " is not " + key.name());
    long index = Json.integer(r, "index");
    check(index >= 0 && index < cp.size(), 3, "index " + index + " not below size " + cp.size());
    if (!(r.get("inclusion") instanceof JsonArray inclusion)) {
      throw new AssertionError("receipt step 3: inclusion is not an array");
    }
    check(inclusion.elements().size() <= MAX_PROOF, 3, "more than 64 proof hashes");
    List<byte[]> proof = new ArrayList<>();
    for (JsonValue h : inclusion.elements()) {
      byte[] hash = h instanceof JsonString s ? base64(s.value(), "proof hash") : new byte[0];
      check(hash.length == HASH_BYTES, 3, "a proof hash is not 32 bytes");
      proof.add(hash);
    }
    byte[] leaf = base64(Json.string(r, "leaf"), "leaf");
    check(leaf.length <= MAX_LEAF_BYTES, 3, "leaf of " + leaf.length + " bytes");
    try {
      Rfc9162.verifyInclusion(index, cp.size(), Rfc9162.leafHash(leaf), proof, cp.root());
    } catch (LogVerificationException e) {
      throw new AssertionError("receipt step 4: " + e.getMessage(), e);
    }
    Map<String, JsonValue> record = Json.object(leaf, "the receipt's leaf"); // step 5
    check(Json.integer(record, "index") == index, 5, "leaf index is not the receipt index");
    check(
        Json.string(record, "envelope_sha256").equals(sha256Hex(envelope)),
        5,
        "leaf envelope_sha256 is not the hash of the envelope sent");
    String decision = Json.string(a, "decision");
    check(Json.string(record, "decision").equals(decision), 5, "leaf decision differs");
    Optional<String> reason = Json.optString(a, "reason");
    Optional<String> id = Json.optString(a, "id");
    check(Json.optString(record, "reason").equals(reason), 5, "leaf reason differs");
    check(Json.optString(record, "id").equals(id), 5, "leaf id differs from the answer's");
    return new Receipt(note, cp, index, leaf, decision, reason, id);
  }

  private static void check(boolean ok, int step, String detail) {
    if (!ok) {
      throw new AssertionError("receipt step " + step + ": " + detail);
    }
  }

  private static byte[] base64(String s, String what) {
    try {
      byte[] b = Base64.getDecoder().decode(s);
      check(Base64.getEncoder().encodeToString(b).equals(s), 3, what + " is not canonical base64");
      return b;
    } catch (IllegalArgumentException e) {
      throw new AssertionError("receipt step 3: " + what + " is not base64", e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The signed checkpoint note, as the receipt carries it. */
  String note() {
    return note;
  }

  Checkpoint checkpoint() {
    return checkpoint;
  }

  long index() {
    return index;
  }

  byte[] leaf() {
    return leaf.clone();
  }

  String decision() {
    return decision;
  }

  Optional<String> reason() {
    return reason;
  }

  Optional<String> id() {
    return id;
  }

  @Override
  public String toString() {
    return "receipt of leaf "
        + index
        + " ("
        + decision
        + reason.map(r -> " " + r).orElse("")
        + ") under checkpoint size "
        + checkpoint.size();
  }
}
