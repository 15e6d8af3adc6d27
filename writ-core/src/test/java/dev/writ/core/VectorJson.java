package dev.writ.core;

import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonNumber;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads conformance data files (JSON written by other projects) with writ-core's own reader in its
 * lenient number mode, and navigates them with failures that name the missing member.
 */
public final class VectorJson {
  /** Big enough for the largest vector file (1.7 MB) with headroom; deep enough for any of them. */
  private static final JsonLimits LIMITS = new JsonLimits(16 << 20, 64, 1 << 20, 100_000);

  private final JsonObject object;

  private VectorJson(JsonObject object) {
    this.object = object;
  }

  /** Reads {@code file}; its top level must be an object. */
  public static VectorJson read(Path file) throws IOException, JsonException {
    return of(new JsonReader(LIMITS, JsonReader.Mode.ANY_NUMBER).read(Files.readAllBytes(file)));
  }

  public static VectorJson of(JsonValue value) {
    if (value instanceof JsonObject o) {
      return new VectorJson(o);
    }
    throw new AssertionError("expected a JSON object, got " + value);
  }

  public JsonValue value(String name) {
    JsonValue v = object.members().get(name);
    if (v == null) {
      throw new AssertionError("missing member \"" + name + "\" in " + object.members().keySet());
    }
    return v;
  }

  public boolean has(String name) {
    return object.members().containsKey(name);
  }

  public String string(String name) {
    if (value(name) instanceof JsonString s) {
      return s.value();
    }
    throw new AssertionError("\"" + name + "\" is not a string");
  }

  public Optional<String> optionalString(String name) {
    return has(name) ? Optional.of(string(name)) : Optional.empty();
  }

  /** A member holding lowercase or uppercase hex, decoded. */
  public byte[] hex(String name) {
    return HexFormat.of().parseHex(string(name));
  }

  public long integer(String name) {
    if (value(name) instanceof JsonNumber n && n.value() == Math.rint(n.value())) {
      return (long) n.value();
    }
    throw new AssertionError("\"" + name + "\" is not an integer");
  }

  public VectorJson object(String name) {
    return of(value(name));
  }

  public List<VectorJson> objects(String name) {
    if (value(name) instanceof JsonArray a) {
      return a.elements().stream().map(VectorJson::of).toList();
    }
    throw new AssertionError("\"" + name + "\" is not an array");
  }
}
