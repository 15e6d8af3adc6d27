package dev.writ.core;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed payload of a writ (docs/spec/writ.md section "Payload"). Construction validates every
 * rule that depends only on the payload itself: field forms, which fields a capability needs or
 * forbids, and {@code iat <= nbf < exp}. It says nothing about signatures or policy; only a {@link
 * VerifiedWrit} says that.
 *
 * <p>Immutable and thread-safe.
 */
public record WritPayload(
    WritId id,
    Capability cap,
    Optional<Targets> targets,
    Optional<ContentId> content,
    Optional<String> rollout,
    Optional<Tier> tier,
    Optional<String> ticket,
    Instant iat,
    Instant nbf,
    Instant exp) {

  /** The only payload version this implementation reads. */
  public static final long VERSION = 1;

  static final Set<String> FIELDS =
      Set.of(
          "v", "id", "cap", "targets", "content", "rollout", "tier", "ticket", "iat", "nbf", "exp");
  private static final Set<String> TARGET_FIELDS = Set.of("glob", "set_hash");

  /** rollout: {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}} */
  private static final Ascii ROLLOUT = Ascii.of("A-Za-z0-9._-");

  /** ticket: {@code [A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}} */
  private static final Ascii TICKET = Ascii.of("A-Za-z0-9._:/#-");

  /** {@code targets}: who may act. */
  public record Targets(SpiffeIdGlob glob, TargetSet.SetHash setHash) {}

  /**
   * Checks the payload-only rules.
   *
   * @throws WritDeniedException {@code MALFORMED} when a rule is broken
   */
  public static WritPayload create(
      WritId id,
      Capability cap,
      Optional<Targets> targets,
      Optional<ContentId> content,
      Optional<String> rollout,
      Optional<Tier> tier,
      Optional<String> ticket,
      Instant iat,
      Instant nbf,
      Instant exp)
      throws WritDeniedException {
    if (cap.hasTargets() != targets.isPresent()) {
      throw malformed(cap.wire() + (cap.hasTargets() ? " needs" : " takes no") + " targets");
    }
    if (cap.hasContent() != content.isPresent()) {
      throw malformed(cap.wire() + (cap.hasContent() ? " needs" : " takes no") + " content");
    }
    if ((cap == Capability.EXECUTE) != tier.isPresent()) {
      throw malformed(
          cap == Capability.EXECUTE ? "execute needs a tier" : "only execute takes a tier");
    }
    if (rollout.isPresent() && !ROLLOUT.word(rollout.get(), Ascii.ALNUM, 128)) {
      throw malformed("rollout must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    }
    if (ticket.isPresent() && !TICKET.word(ticket.get(), Ascii.ALNUM, 128)) {
      throw malformed("ticket must match [A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}");
    }
    if (iat.isAfter(nbf) || !nbf.isBefore(exp)) {
      throw malformed("times must satisfy iat <= nbf < exp");
    }
    return new WritPayload(id, cap, targets, content, rollout, tier, ticket, iat, nbf, exp);
  }

  /**
   * Reads payload bytes with every parse-step rule of the verifier (size, canonical form, version,
   * fields). Signing tools use it so they never sign what a verifier would refuse to parse.
   */
  public static WritPayload parse(byte[] payload) throws WritDeniedException {
    return Verifier.parsePayload(payload);
  }

  /**
   * Reads a payload from a parsed canonical JSON value. The version is checked before the field
   * set, so a future version's fields are reported as {@code UNSUPPORTED_VERSION}.
   */
  static WritPayload fromJson(JsonValue value) throws WritDeniedException {
    Fields f = Fields.of("payload", value);
    long v = f.integer("v");
    if (v != VERSION) {
      throw new WritDeniedException(Reason.UNSUPPORTED_VERSION, "payload version " + v);
    }
    f.onlyKnown(FIELDS);
    WritId id = WritId.parse(f.string("id"));
    try {
      String capText = f.string("cap");
      Capability cap =
          Capability.fromWire(capText)
              .orElseThrow(() -> malformed("unknown capability \"" + capText + "\""));
      Optional<Targets> targets = Optional.empty();
      if (f.has("targets")) {
        Fields t = f.object("targets").onlyKnown(TARGET_FIELDS);
        targets =
            Optional.of(
                new Targets(
                    SpiffeIdGlob.parse(t.string("glob")),
                    TargetSet.SetHash.parse(t.string("set_hash"))));
      }
      Optional<ContentId> content =
          f.has("content") ? Optional.of(ContentId.parse(f.string("content"))) : Optional.empty();
      Optional<Tier> tier = Optional.empty();
      if (f.has("tier")) {
        String tierText = f.string("tier");
        tier =
            Optional.of(
                Tier.fromWire(tierText)
                    .orElseThrow(() -> malformed("unknown tier \"" + tierText + "\"")));
      }
      return create(
          id,
          cap,
          targets,
          content,
          f.optionalString("rollout"),
          tier,
          f.optionalString("ticket"),
          Instant.ofEpochSecond(f.nonNegative("iat")),
          Instant.ofEpochSecond(f.nonNegative("nbf")),
          Instant.ofEpochSecond(f.nonNegative("exp")));
    } catch (WritDeniedException e) {
      throw e.withId(id);
    }
  }

  /** The payload as a JSON value; {@link #toCanonicalBytes()} is what gets signed. */
  public JsonValue toJson() {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(VERSION));
    m.put("id", new JsonString(id.hex()));
    m.put("cap", new JsonString(cap.wire()));
    targets.ifPresent(
        t -> {
          Map<String, JsonValue> tm = new LinkedHashMap<>();
          tm.put("glob", new JsonString(t.glob().toString()));
          tm.put("set_hash", new JsonString(t.setHash().toString()));
          m.put("targets", new JsonObject(tm));
        });
    content.ifPresent(c -> m.put("content", new JsonString(c.toString())));
    rollout.ifPresent(r -> m.put("rollout", new JsonString(r)));
    tier.ifPresent(t -> m.put("tier", new JsonString(t.wire())));
    ticket.ifPresent(t -> m.put("ticket", new JsonString(t)));
    m.put("iat", new JsonInteger(iat.getEpochSecond()));
    m.put("nbf", new JsonInteger(nbf.getEpochSecond()));
    m.put("exp", new JsonInteger(exp.getEpochSecond()));
    return new JsonObject(m);
  }

  public byte[] toCanonicalBytes() {
    return CanonicalJson.write(toJson());
  }

  private static WritDeniedException malformed(String detail) {
    return new WritDeniedException(Reason.MALFORMED, detail);
  }
}
