package dev.writ.log;

import dev.writ.core.Capability;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.log.LogVerificationException.Reason;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A decision record, the leaf of the audit log (docs/spec/log.md section 10), as {@link #parse}
 * reads it: the RFC 8785 canonical JSON of {@code
 * {"cap"?,"decision","envelope_sha256","id"?,"index","reason"?,"time","v":1}}.
 *
 * <p>Parsing is strict: the bytes must be canonical, every field of the right type, no other field;
 * {@code v} is 1; {@code id} is 32 and {@code envelope_sha256} 64 lowercase hex digits; {@code cap}
 * a capability's wire name; {@code decision} {@code allow} or {@code deny}; {@code reason} a denial
 * reason code of writ.md, present exactly when the decision is {@code deny}; an {@code allow} has
 * an {@code id} and a {@code cap}; {@code time} and {@code index} are non-negative.
 *
 * <p>A parsed record says nothing about whether the log holds it: {@link Receipt#verify} checks
 * that. Immutable and thread-safe.
 *
 * @param id the writ id, when the envelope parsed far enough to have one
 * @param envelopeSha256 SHA-256 of the exact envelope bytes, lowercase hex
 * @param cap the capability's wire name, when known
 * @param decision {@code allow} or {@code deny}
 * @param reason the denial reason code; present exactly for {@code deny}
 * @param time Unix seconds, the proposer's time for the command
 * @param index the leaf's own position in the log
 */
public record DecisionRecord(
    Optional<String> id,
    String envelopeSha256,
    Optional<String> cap,
    String decision,
    Optional<String> reason,
    long time,
    long index) {

  /** The record format version this parser reads. */
  public static final int VERSION = 1;

  public static final String ALLOW = "allow";
  public static final String DENY = "deny";

  private static final Set<String> FIELDS =
      Set.of("v", "id", "envelope_sha256", "cap", "decision", "reason", "time", "index");

  /**
   * A record is one flat object of at most 8 members; its strings are hex digests, a capability, a
   * decision and a reason code, all far below 256 bytes.
   */
  private static final JsonLimits LIMITS =
      new JsonLimits(LogLimits.MAX_RECEIPT_LEAF_BYTES, 1, 256, FIELDS.size());

  private static final JsonReader READER = new JsonReader(LIMITS, JsonReader.Mode.INTEGERS_ONLY);

  /** Parses {@code leaf} or throws {@link Reason#MALFORMED_RECORD}. */
  public static DecisionRecord parse(byte[] leaf) throws LogVerificationException {
    JsonValue value;
    try {
      value = READER.readCanonical(leaf);
    } catch (JsonException e) {
      throw new LogVerificationException(
          Reason.MALFORMED_RECORD,
          "leaf is not canonical JSON (" + e.kind() + "): " + e.getMessage(),
          e);
    }
    if (!(value instanceof JsonObject object)) {
      throw malformed("leaf is not a JSON object");
    }
    Map<String, JsonValue> m = object.members();
    for (String key : m.keySet()) {
      if (!FIELDS.contains(key)) {
        throw malformed("unknown field \"" + key + "\"");
      }
    }
    if (integer(m, "v") != VERSION) {
      throw malformed("record version is not " + VERSION);
    }
    Optional<String> id = optionalString(m, "id");
    if (id.isPresent() && !lowerHex(id.get(), 32)) {
      throw malformed("id is not 32 lowercase hex digits");
    }
    String envelope =
        optionalString(m, "envelope_sha256").orElseThrow(() -> missing("envelope_sha256"));
    if (!lowerHex(envelope, 64)) {
      throw malformed("envelope_sha256 is not 64 lowercase hex digits");
    }
    Optional<String> cap = optionalString(m, "cap");
    if (cap.isPresent() && Capability.fromWire(cap.get()).isEmpty()) {
      throw malformed("cap is not a capability");
    }
    String decision = optionalString(m, "decision").orElseThrow(() -> missing("decision"));
    Optional<String> reason = optionalString(m, "reason");
    switch (decision) {
      case ALLOW -> {
        if (reason.isPresent() || id.isEmpty() || cap.isEmpty()) {
          throw malformed("an allow has an id and a cap and no reason");
        }
      }
      case DENY -> {
        if (reason.isEmpty() || !isReasonCode(reason.get())) {
          throw malformed("a deny has a reason code of writ.md");
        }
      }
      default -> throw malformed("decision is neither allow nor deny");
    }
    long time = integer(m, "time");
    long index = integer(m, "index");
    if (time < 0 || index < 0) {
      throw malformed("time and index are non-negative");
    }
    return new DecisionRecord(id, envelope, cap, decision, reason, time, index);
  }

  private static long integer(Map<String, JsonValue> m, String name)
      throws LogVerificationException {
    if (m.get(name) instanceof JsonInteger i) {
      return i.value();
    }
    throw m.containsKey(name) ? malformed(name + " is not an integer") : missing(name);
  }

  private static Optional<String> optionalString(Map<String, JsonValue> m, String name)
      throws LogVerificationException {
    JsonValue v = m.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof JsonString s) {
      return Optional.of(s.value());
    }
    throw malformed(name + " is not a string");
  }

  private static boolean isReasonCode(String s) {
    for (dev.writ.core.Reason r : dev.writ.core.Reason.values()) {
      if (r.name().equals(s)) {
        return true;
      }
    }
    return false;
  }

  static boolean lowerHex(String s, int digits) {
    if (s.length() != digits) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static LogVerificationException missing(String name) {
    return malformed("field \"" + name + "\" is missing");
  }

  private static LogVerificationException malformed(String detail) {
    return new LogVerificationException(Reason.MALFORMED_RECORD, detail);
  }
}
