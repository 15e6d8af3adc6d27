package dev.writ.state;

import dev.writ.core.Capability;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Canonical (RFC 8785) encoding of {@link StateCommand} and {@link CommandResult}. Decoding is
 * strict: canonical bytes only, version 1, a known op, exactly the op's fields with the right
 * types.
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
  private static final Set<String> SPEND_FIELDS =
      Set.of("v", "op", "id", "cap", "envelope_sha256", "retain_until", "at");

  private CommandCodec() {}

  static byte[] encode(StateCommand command) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(StateCommand.VERSION));
    switch (command) {
      case StateCommand.Spend s -> {
        m.put("op", new JsonString("spend"));
        m.put("id", new JsonString(s.id().hex()));
        m.put("cap", new JsonString(s.cap().wire()));
        m.put("envelope_sha256", new JsonString(s.envelopeSha256()));
        m.put("retain_until", new JsonInteger(s.retainUntil()));
        m.put("at", new JsonInteger(s.at()));
      }
    }
    return CanonicalJson.write(new JsonObject(m));
  }

  static StateCommand decode(byte[] bytes) throws CommandRejectedException {
    JsonObject o = readObject(bytes);
    long v = integer(o, "v");
    if (v != StateCommand.VERSION) {
      throw new CommandRejectedException("unknown_version", "command version " + v);
    }
    String op = string(o, "op");
    return switch (op) {
      case "spend" -> decodeSpend(o);
      default -> throw new CommandRejectedException("unknown_op", "unknown op '" + op + "'");
    };
  }

  private static StateCommand.Spend decodeSpend(JsonObject o) throws CommandRejectedException {
    exactFields(o, SPEND_FIELDS);
    String idHex = string(o, "id");
    String capWire = string(o, "cap");
    Capability cap =
        Capability.fromWire(capWire)
            .orElseThrow(() -> new CommandRejectedException("malformed", "unknown cap"));
    try {
      return new StateCommand.Spend(
          new WritId(idHex),
          cap,
          string(o, "envelope_sha256"),
          integer(o, "retain_until"),
          integer(o, "at"));
    } catch (IllegalArgumentException e) {
      throw new CommandRejectedException("malformed", e.getMessage(), e);
    }
  }

  static byte[] encodeResult(CommandResult result) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(StateCommand.VERSION));
    switch (result) {
      case CommandResult.Spent s ->
          m.put(
              "result",
              new JsonString(
                  switch (s.outcome()) {
                    case SPENT_NOW -> "spent_now";
                    case ALREADY_SPENT -> "already_spent";
                  }));
      case CommandResult.Refused r -> {
        m.put("error", new JsonString(r.code()));
        m.put("detail", new JsonString(r.detail()));
      }
    }
    return CanonicalJson.write(new JsonObject(m));
  }

  static CommandResult decodeResult(byte[] bytes) throws CommandRejectedException {
    JsonObject o = readObject(bytes);
    if (integer(o, "v") != StateCommand.VERSION) {
      throw new CommandRejectedException("unknown_version", "reply version");
    }
    if (o.members().containsKey("error")) {
      exactFields(o, Set.of("v", "error", "detail"));
      return new CommandResult.Refused(string(o, "error"), string(o, "detail"));
    }
    exactFields(o, Set.of("v", "result"));
    return switch (string(o, "result")) {
      case "spent_now" -> new CommandResult.Spent(SpendLedger.Outcome.SPENT_NOW);
      case "already_spent" -> new CommandResult.Spent(SpendLedger.Outcome.ALREADY_SPENT);
      default -> throw new CommandRejectedException("malformed", "unknown result");
    };
  }

  private static JsonObject readObject(byte[] bytes) throws CommandRejectedException {
    JsonValue value;
    try {
      value = READER.readCanonical(bytes);
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
