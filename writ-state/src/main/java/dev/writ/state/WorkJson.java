package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.Tier;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON members of a {@link WorkRequest} as commands and snapshots write them: {@code cap},
 * {@code content}, {@code expires}, {@code id}, {@code targets} (array of SPIFFE IDs), and {@code
 * rollout} and {@code tier} when present. Parsing throws {@link IllegalArgumentException} for
 * anything that does not make a valid request; callers map it to their own refusal.
 *
 * <p>Thread-safe: stateless.
 */
final class WorkJson {
  static final Set<String> REQUEST = Set.of("cap", "content", "expires", "id", "targets");
  static final Set<String> REQUEST_OPTIONAL = Set.of("rollout", "tier");

  private WorkJson() {}

  static void putRequest(Map<String, JsonValue> m, WorkRequest r) {
    m.put("id", new JsonString(r.id().hex()));
    m.put("cap", new JsonString(r.cap().wire()));
    m.put("content", new JsonString(r.content().toString()));
    m.put("expires", new JsonInteger(r.expires()));
    m.put(
        "targets",
        new JsonArray(
            r.targets().stream().<JsonValue>map(t -> new JsonString(t.toString())).toList()));
    r.rollout().ifPresent(x -> m.put("rollout", new JsonString(x)));
    r.tier().ifPresent(t -> m.put("tier", new JsonString(t.wire())));
  }

  static WorkRequest request(JsonObject o) {
    Capability cap =
        Capability.fromWire(RegistryJson.string(o, "cap"))
            .orElseThrow(() -> new IllegalArgumentException("unknown cap"));
    ContentId content =
        ContentId.parseSha256(RegistryJson.string(o, "content"))
            .orElseThrow(() -> new IllegalArgumentException("content is not sha256:<hex>"));
    List<SpiffeId> targets = new ArrayList<>();
    if (!(o.members().get("targets") instanceof JsonArray(List<JsonValue> elements))) {
      throw new IllegalArgumentException("targets must be an array");
    }
    for (JsonValue v : elements) {
      if (!(v instanceof JsonString(String s))) {
        throw new IllegalArgumentException("a target must be a string");
      }
      targets.add(RegistryJson.node(s));
    }
    Optional<Tier> tier =
        o.members().containsKey("tier")
            ? Optional.of(
                Tier.fromWire(RegistryJson.string(o, "tier"))
                    .orElseThrow(() -> new IllegalArgumentException("unknown tier")))
            : Optional.empty();
    Optional<String> rollout =
        o.members().containsKey("rollout")
            ? Optional.of(RegistryJson.string(o, "rollout"))
            : Optional.empty();
    WorkRequest r =
        new WorkRequest(
            RegistryJson.writId(RegistryJson.string(o, "id")),
            cap,
            targets,
            content,
            tier,
            rollout,
            integer(o, "expires"));
    if (!r.targets().equals(targets)) {
      throw new IllegalArgumentException("targets are not sorted and distinct");
    }
    return r;
  }

  static long integer(JsonObject o, String name) {
    if (o.members().get(name) instanceof JsonInteger(long n)) {
      return n;
    }
    throw new IllegalArgumentException(name + " must be an integer");
  }

  /** Standard, padded, canonical base64 (re-encoding gives the same text), else refused. */
  static byte[] base64(JsonObject o, String name) {
    String text = RegistryJson.string(o, name);
    byte[] bytes = Base64.getDecoder().decode(text);
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new IllegalArgumentException(name + " is not canonical base64");
    }
    return bytes;
  }

  static JsonString base64(byte[] bytes) {
    return new JsonString(Base64.getEncoder().encodeToString(bytes));
  }
}
