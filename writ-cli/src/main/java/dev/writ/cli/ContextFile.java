package dev.writ.cli;

import dev.writ.core.ContentId;
import dev.writ.core.FleetState;
import dev.writ.core.Posture;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.VerificationContext;
import dev.writ.core.WritDeniedException;
import dev.writ.core.WritId;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonBool;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The verification context of {@code writ verify --context} and of the spec vectors
 * (docs/spec/writ.md section "Vectors"): {@code now}, optional {@code node} {id, posture}, optional
 * {@code targets}, optional {@code content_sha256}, and {@code state} {spent, paused, quarantined}.
 * Without {@code node} the writ is verified in authority (server) scope.
 */
record ContextFile(VerificationContext context, Set<WritId> spent) {
  static final JsonLimits LIMITS = new JsonLimits(1024 * 1024, 8, 4096, 10_000);

  static ContextFile parse(byte[] bytes) throws CliException {
    try {
      return fromJson(new JsonReader(LIMITS, JsonReader.Mode.INTEGERS_ONLY).read(bytes));
    } catch (JsonException e) {
      throw new CliException("context is not valid JSON: " + e.getMessage(), e);
    }
  }

  static ContextFile fromJson(JsonValue json) throws CliException {
    try {
      Map<String, JsonValue> m = object(json, "context");
      known(m, "context", Set.of("now", "node", "targets", "content_sha256", "state"));
      Instant now = Instant.ofEpochSecond(integer(m.get("now"), "context.now"));
      Map<String, JsonValue> state =
          m.containsKey("state") ? object(m.get("state"), "state") : Map.of();
      known(state, "state", Set.of("spent", "paused", "quarantined"));
      Set<WritId> spent = new HashSet<>();
      for (String s : strings(state.get("spent"), "state.spent")) {
        spent.add(WritId.parse(s));
      }
      Set<SpiffeId> quarantined = new HashSet<>();
      for (String s : strings(state.get("quarantined"), "state.quarantined")) {
        quarantined.add(SpiffeId.parse(s));
      }
      boolean paused = state.get("paused") instanceof JsonBool(boolean b) && b;
      if (state.containsKey("paused") && !(state.get("paused") instanceof JsonBool)) {
        throw new CliException("state.paused must be true or false");
      }
      FleetState fleet = new FleetState(paused, quarantined);
      if (!m.containsKey("node")) {
        return new ContextFile(VerificationContext.authority(now, fleet), spent);
      }
      Map<String, JsonValue> node = object(m.get("node"), "node");
      known(node, "node", Set.of("id", "posture"));
      SpiffeId id = SpiffeId.parse(string(node.get("id"), "node.id"));
      String postureText = string(node.get("posture"), "node.posture");
      Posture posture =
          Posture.fromWire(postureText)
              .orElseThrow(() -> new CliException("unknown posture \"" + postureText + "\""));
      Optional<TargetSet> targets = Optional.empty();
      if (m.containsKey("targets")) {
        List<SpiffeId> ids = new ArrayList<>();
        for (String s : strings(m.get("targets"), "targets")) {
          ids.add(SpiffeId.parse(s));
        }
        targets = Optional.of(TargetSet.of(ids));
      }
      Optional<ContentId> content =
          m.containsKey("content_sha256")
              ? Optional.of(ContentId.parse(string(m.get("content_sha256"), "content_sha256")))
              : Optional.empty();
      return new ContextFile(
          VerificationContext.node(
              now, fleet, new VerificationContext.NodeFacts(id, posture, targets, content)),
          spent);
    } catch (WritDeniedException e) {
      throw new CliException("context: " + e.detail(), e);
    }
  }

  private static void known(Map<String, JsonValue> m, String where, Set<String> names)
      throws CliException {
    for (String k : m.keySet()) {
      if (!names.contains(k)) {
        throw new CliException(where + " has unknown field \"" + k + "\"");
      }
    }
  }

  private static Map<String, JsonValue> object(JsonValue v, String where) throws CliException {
    if (v instanceof JsonObject o) {
      return o.members();
    }
    throw new CliException(where + " must be an object");
  }

  private static long integer(JsonValue v, String where) throws CliException {
    if (v instanceof JsonInteger(long value) && value >= 0) {
      return value;
    }
    throw new CliException(where + " must be a non-negative integer");
  }

  private static String string(JsonValue v, String where) throws CliException {
    if (v instanceof JsonString(String s)) {
      return s;
    }
    throw new CliException(where + " must be a string");
  }

  private static List<String> strings(JsonValue v, String where) throws CliException {
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof JsonArray a)) {
      throw new CliException(where + " must be an array of strings");
    }
    for (JsonValue e : a.elements()) {
      out.add(string(e, where));
    }
    return out;
  }
}
