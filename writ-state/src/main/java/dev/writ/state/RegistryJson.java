package dev.writ.state;

import dev.writ.core.Posture;
import dev.writ.core.SpiffeId;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * JSON members of registry values, shared by the command codec (enroll, renew) and the snapshot
 * (node lines), so both read and write one shape. Reading is strict and throws {@link
 * IllegalArgumentException} with a one-line reason; callers translate it at their boundary.
 *
 * <p>Thread-safe: stateless.
 */
final class RegistryJson {
  /** Members of a registration; {@code kind} is optional. */
  static final Set<String> REGISTRATION =
      Set.of("node", "posture", "measurements", "advisory", "serial", "not_after");

  private RegistryJson() {}

  static void putRegistration(Map<String, JsonValue> m, NodeRegistration r) {
    m.put("node", new JsonString(r.node().toString()));
    m.put("posture", new JsonString(r.posture().wire()));
    r.kind().ifPresent(k -> m.put("kind", new JsonString(k)));
    m.put("measurements", strings(r.measurements()));
    m.put("advisory", strings(r.advisory()));
    m.put("serial", new JsonString(r.serial()));
    m.put("not_after", new JsonInteger(r.notAfter()));
  }

  static NodeRegistration registration(JsonObject o) {
    Optional<String> kind =
        o.members().containsKey("kind") ? Optional.of(string(o, "kind")) : Optional.empty();
    Posture posture =
        Posture.fromWire(string(o, "posture"))
            .orElseThrow(() -> new IllegalArgumentException("unknown posture"));
    return new NodeRegistration(
        node(string(o, "node")),
        posture,
        kind,
        stringMap(o, "measurements"),
        stringMap(o, "advisory"),
        string(o, "serial"),
        integer(o, "not_after"));
  }

  static JsonObject strings(SortedMap<String, String> values) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    values.forEach((k, v) -> m.put(k, new JsonString(v)));
    return new JsonObject(m);
  }

  static SortedMap<String, String> stringMap(JsonObject o, String name) {
    if (!(o.members().get(name) instanceof JsonObject inner)) {
      throw new IllegalArgumentException(name + " must be an object");
    }
    SortedMap<String, String> out = new TreeMap<>();
    inner.members().forEach((k, v) -> out.put(k, asString(name + "." + k, v)));
    return out;
  }

  static SpiffeId node(String s) {
    try {
      return SpiffeId.parse(s);
    } catch (WritDeniedException e) {
      throw new IllegalArgumentException("node is not a SPIFFE ID", e);
    }
  }

  static WritId writId(String s) {
    return new WritId(s);
  }

  static String string(JsonObject o, String name) {
    return asString(name, o.members().get(name));
  }

  private static String asString(String name, JsonValue v) {
    if (v instanceof JsonString(String s)) {
      return s;
    }
    throw new IllegalArgumentException(name + " must be a string");
  }

  static long integer(JsonObject o, String name) {
    if (o.members().get(name) instanceof JsonInteger(long n)) {
      return n;
    }
    throw new IllegalArgumentException(name + " must be an integer");
  }

  /** Whether {@code o} has exactly {@code required} plus any of {@code optional}. */
  static boolean hasFields(JsonObject o, Set<String> required, Set<String> optional) {
    Set<String> names = o.members().keySet();
    if (!names.containsAll(required)) {
      return false;
    }
    for (String n : names) {
      if (!required.contains(n) && !optional.contains(n)) {
        return false;
      }
    }
    return true;
  }
}
