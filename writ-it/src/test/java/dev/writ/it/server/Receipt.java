package dev.writ.it.server;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogVerificationException;
import dev.writ.log.NoteVerifierKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * A receipt that passed every step of docs/spec/api.md section 3 against the log key and the exact
 * envelope bytes the client sent: only {@link #verify} makes one. It proves the log key signed a
 * tree holding this decision at this index; whether that tree is the one every peer serves is what
 * the final log audit checks. Immutable and thread-safe.
 */
final class Receipt {
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
   * Checks the receipt of {@code answer} with writ-log's {@link dev.writ.log.Receipt#verify} (the
   * check {@code writ submit} runs, tested against the receipt vectors and an independent Node.js
   * implementation).
   *
   * @throws AssertionError naming the step of section 3 that fails
   */
  static Receipt verify(Answer answer, NoteVerifierKey key, byte[] envelope) {
    Map<String, JsonValue> a = answer.json();
    String receiptJson =
        new String(
            CanonicalJson.write(new JsonValue.JsonObject(Json.object(a, "receipt"))),
            StandardCharsets.UTF_8);
    String decision = Json.string(a, "decision");
    Optional<String> reason = Json.optString(a, "reason");
    Optional<String> id = Json.optString(a, "id");
    dev.writ.log.Receipt r;
    try {
      r = dev.writ.log.Receipt.verify(receiptJson, key, envelope, decision, reason, id);
    } catch (LogVerificationException e) {
      throw new AssertionError(
          "receipt step " + step(e.reason()) + " (" + e.reason() + "): " + e.getMessage(), e);
    }
    return new Receipt(
        r.checkpointNote(), r.checkpoint(), r.index(), r.leaf(), decision, reason, id);
  }

  /** The step of api.md section 3 that refuses with {@code reason} (writ-log's Receipt javadoc). */
  private static String step(LogVerificationException.Reason reason) {
    return switch (reason) {
      case MALFORMED_KEY,
          MALFORMED_NOTE,
          BAD_SIGNATURE,
          NO_KNOWN_SIGNATURE,
          MALFORMED_CHECKPOINT,
          ORIGIN_MISMATCH ->
          "1/2";
      case INDEX_OUT_OF_RANGE, BAD_HASH_SIZE, BAD_RECEIPT -> "3";
      case INCLUSION_MISMATCH, BAD_PROOF_SIZE, CONSISTENCY_MISMATCH, CONSISTENCY_FROM_EMPTY -> "4";
      case MALFORMED_RECORD, RECEIPT_MISMATCH -> "5";
    };
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
