package dev.writ.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.Map;
import java.util.Set;

/** Checks a leaf against docs/spec/log.md, "Decision records (leaves)". */
final class LeafAssertions {
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(512, 1, 64, 16), JsonReader.Mode.INTEGERS_ONLY);

  private LeafAssertions() {}

  /** Parses {@code leaf} as canonical JSON with the documented fields and returns its members. */
  static Map<String, JsonValue> parse(AuditLeaf leaf) throws Exception {
    JsonValue v = READER.readCanonical(leaf.bytes());
    assertThat(v).isInstanceOf(JsonObject.class);
    Map<String, JsonValue> m = ((JsonObject) v).members();
    assertThat(m.keySet()).containsAll(Set.of("v", "envelope_sha256", "decision", "time", "index"));
    assertThat(Set.of("v", "id", "envelope_sha256", "cap", "decision", "reason", "time", "index"))
        .containsAll(m.keySet());
    assertThat(m.get("v")).isEqualTo(new JsonInteger(1));
    assertThat(m.get("index")).isEqualTo(new JsonInteger(leaf.index()));
    assertThat(m.get("time")).isInstanceOf(JsonInteger.class);
    assertThat(m.get("envelope_sha256")).isInstanceOf(JsonString.class);
    String decision = ((JsonString) m.get("decision")).value();
    assertThat(decision).isIn("allow", "deny");
    assertThat(m.containsKey("reason")).isEqualTo(decision.equals("deny"));
    return m;
  }

  private static final JsonReader RESULT_READER =
      new JsonReader(new JsonLimits(16384, 1, 16384, 16), JsonReader.Mode.INTEGERS_ONLY);

  /**
   * Parses {@code leaf} as a result record (docs/spec/log.md section 13) and returns its members.
   */
  static Map<String, JsonValue> parseResult(AuditLeaf leaf) throws Exception {
    JsonValue v = RESULT_READER.readCanonical(leaf.bytes());
    assertThat(v).isInstanceOf(JsonObject.class);
    Map<String, JsonValue> m = ((JsonObject) v).members();
    assertThat(m.keySet())
        .containsExactlyInAnyOrder(
            "v", "kind", "index", "time", "node", "result", "signature", "cert");
    assertThat(m.get("v")).isEqualTo(new JsonInteger(1));
    assertThat(m.get("kind")).isEqualTo(new JsonString("result"));
    assertThat(m.get("index")).isEqualTo(new JsonInteger(leaf.index()));
    return m;
  }

  static String string(Map<String, JsonValue> m, String name) {
    return ((JsonString) m.get(name)).value();
  }
}
