package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Canonical (RFC 8785) encoding of {@link StateCommand} and {@link CommandResult}. Decoding is
 * strict: canonical bytes only, version 1, a known op ({@code authorize} or {@code deny}; the
 * pre-release {@code spend} is gone and refused as an unknown op), exactly the op's fields with the
 * right types.
 *
 * <p>Thread-safe: stateless.
 */
final class CommandCodec {
  /**
   * A spend command is about 250 bytes; 4 KiB leaves room for later commands without letting a
   * client make replicas parse large input.
   */
  static final JsonLimits LIMITS = new JsonLimits(4096, 2, 256, 32);

  private static final JsonReader READER = new JsonReader(LIMITS, JsonReader.Mode.INTEGERS_ONLY);

  /** A reply carries one base64 leaf (a leaf is under 400 bytes), so its strings may be longer. */
  private static final JsonReader REPLY_READER =
      new JsonReader(new JsonLimits(4096, 2, 1024, 32), JsonReader.Mode.INTEGERS_ONLY);

  private static final Set<String> AUTHORIZE_FIELDS =
      Set.of("v", "op", "id", "cap", "envelope_sha256", "retain_until", "at");
  private static final Set<String> DENY_REQUIRED =
      Set.of("v", "op", "envelope_sha256", "reason", "at");
  private static final Set<String> DENY_OPTIONAL = Set.of("id", "cap");

  private CommandCodec() {}

  static byte[] encode(StateCommand command) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(StateCommand.VERSION));
    switch (command) {
      case StateCommand.Authorize a -> {
        m.put("op", new JsonString("authorize"));
        m.put("id", new JsonString(a.id().hex()));
        m.put("cap", new JsonString(a.cap().wire()));
        m.put("envelope_sha256", new JsonString(a.envelopeSha256()));
        m.put("retain_until", new JsonInteger(a.retainUntil()));
        m.put("at", new JsonInteger(a.at()));
      }
      case StateCommand.Deny d -> {
        m.put("op", new JsonString("deny"));
        d.id().ifPresent(id -> m.put("id", new JsonString(id.hex())));
        d.cap().ifPresent(c -> m.put("cap", new JsonString(c.wire())));
        m.put("envelope_sha256", new JsonString(d.envelopeSha256()));
        m.put("reason", new JsonString(d.reason().name()));
        m.put("at", new JsonInteger(d.at()));
      }
    }
    return CanonicalJson.write(new JsonObject(m));
  }

  static StateCommand decode(byte[] bytes) throws CommandRejectedException {
    JsonObject o = readObject(READER, bytes);
    long v = integer(o, "v");
    if (v != StateCommand.VERSION) {
      throw new CommandRejectedException("unknown_version", "command version " + v);
    }
    String op = string(o, "op");
    return switch (op) {
      case "authorize" -> decodeAuthorize(o);
      case "deny" -> decodeDeny(o);
      default -> throw new CommandRejectedException("unknown_op", "unknown op '" + op + "'");
    };
  }

  private static StateCommand.Authorize decodeAuthorize(JsonObject o)
      throws CommandRejectedException {
    exactFields(o, AUTHORIZE_FIELDS);
    Capability cap = cap(string(o, "cap"));
    try {
      return new StateCommand.Authorize(
          new WritId(string(o, "id")),
          cap,
          string(o, "envelope_sha256"),
          integer(o, "retain_until"),
          integer(o, "at"));
    } catch (IllegalArgumentException e) {
      throw new CommandRejectedException("malformed", e.getMessage(), e);
    }
  }

  private static StateCommand.Deny decodeDeny(JsonObject o) throws CommandRejectedException {
    Set<String> extra = new HashSet<>(o.members().keySet());
    extra.removeAll(DENY_REQUIRED);
    if (!o.members().keySet().containsAll(DENY_REQUIRED) || !DENY_OPTIONAL.containsAll(extra)) {
      throw new CommandRejectedException(
          "malformed",
          "fields "
              + o.members().keySet()
              + ", expected "
              + DENY_REQUIRED
              + " and optionally "
              + DENY_OPTIONAL);
    }
    Optional<Capability> cap =
        o.members().containsKey("cap") ? Optional.of(cap(string(o, "cap"))) : Optional.empty();
    String reasonCode = string(o, "reason");
    Reason reason =
        Arrays.stream(Reason.values())
            .filter(r -> r.name().equals(reasonCode))
            .findFirst()
            .orElseThrow(() -> new CommandRejectedException("malformed", "unknown reason"));
    try {
      Optional<WritId> id =
          o.members().containsKey("id")
              ? Optional.of(new WritId(string(o, "id")))
              : Optional.empty();
      return new StateCommand.Deny(id, string(o, "envelope_sha256"), cap, reason, integer(o, "at"));
    } catch (IllegalArgumentException e) {
      throw new CommandRejectedException("malformed", e.getMessage(), e);
    }
  }

  private static Capability cap(String wire) throws CommandRejectedException {
    return Capability.fromWire(wire)
        .orElseThrow(() -> new CommandRejectedException("malformed", "unknown cap"));
  }

  static byte[] encodeResult(CommandResult result) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(StateCommand.VERSION));
    switch (result) {
      case CommandResult.Authorized a -> {
        m.put(
            "result",
            new JsonString(
                switch (a.outcome()) {
                  case SPENT_NOW -> "spent_now";
                  case ALREADY_SPENT -> "already_spent";
                }));
        putLeaf(m, a.leaf());
      }
      case CommandResult.Audited a -> {
        m.put("result", new JsonString("audited"));
        putLeaf(m, a.leaf());
      }
      case CommandResult.Refused r -> {
        m.put("error", new JsonString(r.code()));
        m.put("detail", new JsonString(r.detail()));
      }
    }
    return CanonicalJson.write(new JsonObject(m));
  }

  static CommandResult decodeResult(byte[] bytes) throws CommandRejectedException {
    JsonObject o = readObject(REPLY_READER, bytes);
    if (integer(o, "v") != StateCommand.VERSION) {
      throw new CommandRejectedException("unknown_version", "reply version");
    }
    if (o.members().containsKey("error")) {
      exactFields(o, Set.of("v", "error", "detail"));
      return new CommandResult.Refused(string(o, "error"), string(o, "detail"));
    }
    exactFields(o, Set.of("v", "result", "leaf_index", "leaf"));
    long index = integer(o, "leaf_index");
    AuditLeaf leaf;
    try {
      leaf = new AuditLeaf(index, Base64.getDecoder().decode(string(o, "leaf")));
    } catch (IllegalArgumentException e) {
      throw new CommandRejectedException("malformed", "bad leaf in reply", e);
    }
    return switch (string(o, "result")) {
      case "spent_now" -> new CommandResult.Authorized(SpendLedger.Outcome.SPENT_NOW, leaf);
      case "already_spent" -> new CommandResult.Authorized(SpendLedger.Outcome.ALREADY_SPENT, leaf);
      case "audited" -> new CommandResult.Audited(leaf);
      default -> throw new CommandRejectedException("malformed", "unknown result");
    };
  }

  private static void putLeaf(Map<String, JsonValue> m, AuditLeaf leaf) {
    m.put("leaf_index", new JsonInteger(leaf.index()));
    m.put("leaf", new JsonString(leaf.base64()));
  }

  private static JsonObject readObject(JsonReader reader, byte[] bytes)
      throws CommandRejectedException {
    JsonValue value;
    try {
      value = reader.readCanonical(bytes);
    } catch (JsonException e) {
      throw new CommandRejectedException("malformed", e.getMessage(), e);
    }
    if (!(value instanceof JsonObject o)) {
      throw new CommandRejectedException("malformed", "a command is a JSON object");
    }
    return o;
  }

  private static void exactFields(JsonObject o, Set<String> fields)
      throws CommandRejectedException {
    if (!o.members().keySet().equals(fields)) {
      throw new CommandRejectedException(
          "malformed", "fields " + o.members().keySet() + ", expected " + fields);
    }
  }

  private static String string(JsonObject o, String name) throws CommandRejectedException {
    if (o.members().get(name) instanceof JsonString(String s)) {
      return s;
    }
    throw new CommandRejectedException("malformed", name + " must be a string");
  }

  private static long integer(JsonObject o, String name) throws CommandRejectedException {
    if (o.members().get(name) instanceof JsonInteger(long n)) {
      return n;
    }
    throw new CommandRejectedException("malformed", name + " must be an integer");
  }
}
