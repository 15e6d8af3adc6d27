package dev.writ.agent;

import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.io.IOException;
import java.util.Base64;

/**
 * Reading the server's JSON on the agent's side (events, answers): bounded by the longest stream
 * line, integers only, and every failure an {@link IOException} (a server that sends bad JSON
 * decides nothing; the stream ends and the agent reconnects). Stateless and thread-safe.
 */
final class WireJson {
  private static final JsonReader READER =
      new JsonReader(
          new JsonLimits(EventStream.MAX_LINE_BYTES, 4, EventStream.MAX_LINE_BYTES, 256),
          JsonReader.Mode.INTEGERS_ONLY);

  private WireJson() {}

  static JsonObject object(byte[] bytes) throws IOException {
    try {
      if (READER.read(bytes) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new IOException("not JSON: " + e.getMessage(), e);
    }
    throw new IOException("not a JSON object");
  }

  static JsonValue member(JsonObject o, String name) throws IOException {
    JsonValue v = o.members().get(name);
    if (v == null) {
      throw new IOException("missing " + name);
    }
    return v;
  }

  static String string(JsonObject o, String name) throws IOException {
    if (member(o, name) instanceof JsonString(String s)) {
      return s;
    }
    throw new IOException(name + " is not a string");
  }

  static byte[] base64(JsonObject o, String name) throws IOException {
    try {
      return Base64.getDecoder().decode(string(o, name));
    } catch (IllegalArgumentException e) {
      throw new IOException(name + " is not base64", e);
    }
  }
}
