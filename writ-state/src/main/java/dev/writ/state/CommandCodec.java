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
   * A spend command is about 250 bytes; an enroll command with 48 measured values of at most 128
   * characters (NodeRegistration's limits) stays under 16 KiB, which bounds what replicas parse.
   * Depth 2: the command object and its measurements/advisory objects.
   */
  static final JsonLimits LIMITS = new JsonLimits(16384, 2, 256, 64);

  /**
   * Work commands carry more: {@code work_open} up to 64 SPIFFE IDs (2048 bytes each at most),
   * {@code work_authorize} an envelope of up to 32 KiB in base64, {@code result} a document, a
   * signature and a certificate in base64. 192 KiB bounds them all; the longest string is the
   * envelope's base64 (43,692 characters).
   */
  static final JsonLimits WORK_LIMITS = new JsonLimits(196608, 2, 49152, 80);

  private static final JsonReader READER = new JsonReader(LIMITS, JsonReader.Mode.INTEGERS_ONLY);

  private static final JsonReader WORK_READER =
      new JsonReader(WORK_LIMITS, JsonReader.Mode.INTEGERS_ONLY);

  /** A reply carries one base64 leaf (a result record is at most 16 KiB), so strings are longer. */
  private static final JsonReader REPLY_READER =
      new JsonReader(new JsonLimits(32768, 2, 24576, 32), JsonReader.Mode.INTEGERS_ONLY);

  private static final Set<String> AUTHORIZE_FIELDS =
      Set.of("v", "op", "id", "cap", "envelope_sha256", "retain_until", "at");
  private static final Set<String> DENY_REQUIRED =
      Set.of("v", "op", "envelope_sha256", "reason", "at");
  private static final Set<String> DENY_OPTIONAL = Set.of("id", "cap");
  private static final Set<String> OPEN_FIELDS = Set.of("v", "op", "id", "node", "expires", "at");
  private static final Set<String> ENROLL_REQUIRED = enrollRequired();
  private static final Set<String> RENEW_FIELDS =
      Set.of("v", "op", "node", "serial", "not_after", "measurements", "at");
  private static final Set<String> REVOKE_FIELDS = Set.of("v", "op", "serial", "at");
  private static final Set<String> WORK_AUTHORIZE_FIELDS =
      Set.of("v", "op", "id", "cap", "envelope", "retain_until", "at");
  private static final Set<String> RESULT_FIELDS =
      Set.of("v", "op", "result", "signature", "cert", "at");

  private static Set<String> enrollRequired() {
    Set<String> s = new HashSet<>(RegistryJson.REGISTRATION);
    s.addAll(Set.of("v", "op", "id", "envelope_sha256", "retain_until", "at"));
    return Set.copyOf(s);
  }

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
      case StateCommand.EnrollOpen e -> {
        m.put("op", new JsonString("enroll_open"));
        m.put("id", new JsonString(e.id().hex()));
        m.put("node", new JsonString(e.node().toString()));
        m.put("expires", new JsonInteger(e.expires()));
        m.put("at", new JsonInteger(e.at()));
      }
      case StateCommand.Enroll e -> {
        m.put("op", new JsonString("enroll"));
        m.put("id", new JsonString(e.id().hex()));
        m.put("envelope_sha256", new JsonString(e.envelopeSha256()));
        m.put("retain_until", new JsonInteger(e.retainUntil()));
        RegistryJson.putRegistration(m, e.registration());
        m.put("at", new JsonInteger(e.at()));
      }
      case StateCommand.Renew r -> {
        m.put("op", new JsonString("renew"));
        m.put("node", new JsonString(r.node().toString()));
        m.put("serial", new JsonString(r.serial()));
        m.put("not_after", new JsonInteger(r.notAfter()));
        m.put("measurements", RegistryJson.strings(r.measurements()));
        m.put("at", new JsonInteger(r.at()));
      }
      case StateCommand.Revoke r -> {
        m.put("op", new JsonString("revoke"));
        m.put("serial", new JsonString(r.serial()));
        m.put("at", new JsonInteger(r.at()));
      }
      case StateCommand.WorkOpen w -> {
        m.put("op", new JsonString("work_open"));
        WorkJson.putRequest(m, w.request());
        m.put("at", new JsonInteger(w.at()));
      }
      case StateCommand.WorkAuthorize w -> {
        m.put("op", new JsonString("work_authorize"));
        m.put("id", new JsonString(w.id().hex()));
        m.put("cap", new JsonString(w.cap().wire()));
        m.put("envelope", WorkJson.base64(w.envelope()));
        m.put("retain_until", new JsonInteger(w.retainUntil()));
        m.put("at", new JsonInteger(w.at()));
      }
      case StateCommand.Result r -> {
        m.put("op", new JsonString("result"));
        m.put("result", WorkJson.base64(r.document()));
        m.put("signature", WorkJson.base64(r.signature()));
        m.put("cert", WorkJson.base64(r.cert()));
        m.put("at", new JsonInteger(r.at()));
      }
    }
    return CanonicalJson.write(new JsonObject(m));
  }

  static StateCommand decode(byte[] bytes) throws CommandRejectedException {
    // work commands are read with their wider limits, every other command with the narrow ones
    JsonObject o = readObject(WORK_READER, bytes);
    if (!isWorkOp(o)) {
      o = readObject(READER, bytes);
    }
    long v = integer(o, "v");
    if (v != StateCommand.VERSION) {
      throw new CommandRejectedException("unknown_version", "command version " + v);
    }
    String op = string(o, "op");
    return switch (op) {
      case "authorize" -> decodeAuthorize(o);
      case "deny" -> decodeDeny(o);
      case "enroll_open", "enroll", "renew", "revoke" -> decodeRegistry(op, o);
      case "work_open", "work_authorize", "result" -> decodeWork(op, o);
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

  private static StateCommand decodeRegistry(String op, JsonObject o)
      throws CommandRejectedException {
    try {
      return switch (op) {
        case "enroll_open" -> {
          exactFields(o, OPEN_FIELDS);
          yield new StateCommand.EnrollOpen(
              RegistryJson.writId(string(o, "id")),
              RegistryJson.node(string(o, "node")),
              integer(o, "expires"),
              integer(o, "at"));
        }
        case "enroll" -> {
          if (!RegistryJson.hasFields(o, ENROLL_REQUIRED, Set.of("kind"))) {
            throw new CommandRejectedException(
                "malformed", "fields " + o.members().keySet() + ", expected " + ENROLL_REQUIRED);
          }
          yield new StateCommand.Enroll(
              RegistryJson.writId(string(o, "id")),
              string(o, "envelope_sha256"),
              integer(o, "retain_until"),
              RegistryJson.registration(o),
              integer(o, "at"));
        }
        case "renew" -> {
          exactFields(o, RENEW_FIELDS);
          yield new StateCommand.Renew(
              RegistryJson.node(string(o, "node")),
              string(o, "serial"),
              integer(o, "not_after"),
              RegistryJson.stringMap(o, "measurements"),
              integer(o, "at"));
        }
        default -> {
          exactFields(o, REVOKE_FIELDS);
          yield new StateCommand.Revoke(string(o, "serial"), integer(o, "at"));
        }
      };
    } catch (IllegalArgumentException e) {
      throw new CommandRejectedException("malformed", e.getMessage(), e);
    }
  }

  private static boolean isWorkOp(JsonObject o) {
    return o.members().get("op") instanceof JsonString(String op)
        && (op.equals("work_open") || op.equals("work_authorize") || op.equals("result"));
  }

  private static StateCommand decodeWork(String op, JsonObject o) throws CommandRejectedException {
    try {
      return switch (op) {
        case "work_open" -> {
          Set<String> required = new HashSet<>(WorkJson.REQUEST);
          required.addAll(Set.of("v", "op", "at"));
          if (!RegistryJson.hasFields(o, required, WorkJson.REQUEST_OPTIONAL)) {
            throw new CommandRejectedException(
                "malformed", "fields " + o.members().keySet() + ", expected " + required);
          }
          yield new StateCommand.WorkOpen(WorkJson.request(o), integer(o, "at"));
        }
        case "work_authorize" -> {
          exactFields(o, WORK_AUTHORIZE_FIELDS);
          yield new StateCommand.WorkAuthorize(
              new WritId(string(o, "id")),
              cap(string(o, "cap")),
              WorkJson.base64(o, "envelope"),
              integer(o, "retain_until"),
              integer(o, "at"));
        }
        default -> {
          exactFields(o, RESULT_FIELDS);
          yield new StateCommand.Result(
              WorkJson.base64(o, "result"),
              WorkJson.base64(o, "signature"),
              WorkJson.base64(o, "cert"),
              integer(o, "at"));
        }
      };
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
      case CommandResult.NotOpen n -> {
        m.put("result", new JsonString("not_open"));
        putLeaf(m, n.leaf());
      }
      case CommandResult.Done _ -> m.put("result", new JsonString("done"));
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
    if (o.members().get("result") instanceof JsonString(String r) && r.equals("done")) {
      exactFields(o, Set.of("v", "result"));
      return new CommandResult.Done();
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
      case "not_open" -> new CommandResult.NotOpen(leaf);
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
