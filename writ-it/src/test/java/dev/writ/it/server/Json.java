package dev.writ.it.server;

import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the server's canonical JSON (docs/spec/api.md section 1) strictly, with writ-core's reader;
 * any deviation is an {@link AssertionError} that names the field. Stateless and thread-safe.
 */
public final class Json {
  /** An answer carries a receipt with a checkpoint note and up to 64 proof hashes. */
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 20, 8, 1 << 20, 256), JsonReader.Mode.INTEGERS_ONLY);

  private Json() {}

  /** The members of the canonical JSON object {@code bytes}. */
  public static Map<String, JsonValue> object(byte[] bytes, String what) {
    JsonValue v;
    try {
      v = READER.readCanonical(bytes);
    } catch (JsonException e) {
      throw new AssertionError(what + " is not canonical JSON: " + e.getMessage(), e);
    }
    if (!(v instanceof JsonObject o)) {
      throw new AssertionError(what + " is not a JSON object");
    }
    return o.members();
  }

  public static Map<String, JsonValue> object(Map<String, JsonValue> m, String field) {
    if (!(m.get(field) instanceof JsonObject o)) {
      throw new AssertionError("field " + field + " is missing or not an object");
    }
    return o.members();
  }

  public static String string(Map<String, JsonValue> m, String field) {
    return optString(m, field)
        .orElseThrow(() -> new AssertionError("field " + field + " is missing"));
  }

  public static Optional<String> optString(Map<String, JsonValue> m, String field) {
    JsonValue v = m.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof JsonString s)) {
      throw new AssertionError("field " + field + " is not a string");
    }
    return Optional.of(s.value());
  }

  public static long integer(Map<String, JsonValue> m, String field) {
    if (!(m.get(field) instanceof JsonInteger i)) {
      throw new AssertionError("field " + field + " is missing or not an integer");
    }
    return i.value();
  }
}
