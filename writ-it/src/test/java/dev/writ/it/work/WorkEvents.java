package dev.writ.it.work;

import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonException;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code data} of the work stream's events (docs/spec/work.md section 4): one line of canonical
 * JSON each. Reads what the tests need from them and makes the forgeries the hostile relay serves.
 * Stateless and thread-safe.
 */
final class WorkEvents {
  /** A work event carries an envelope of at most 32 KiB and a receipt: 256 KiB is ample. */
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(256 * 1024, 8, 256 * 1024, 256), JsonReader.Mode.INTEGERS_ONLY);

  private WorkEvents() {}

  /** One event of the stream. */
  record Event(String type, String data) {}

  static JsonObject parse(String data) {
    try {
      if (READER.readCanonical(data.getBytes(StandardCharsets.UTF_8)) instanceof JsonObject o) {
        return o;
      }
    } catch (JsonException e) {
      throw new AssertionError("event data is not canonical JSON: " + e.getMessage(), e);
    }
    throw new AssertionError("event data is not a JSON object: " + data);
  }

  /** The writ id a work event names (the server's word, which the agent does not trust). */
  static String id(String workData) {
    return string(parse(workData).members(), "id");
  }

  /** The checkpoint note a work event's receipt, or a ping, carries. */
  static String checkpoint(String data) {
    Map<String, JsonValue> m = parse(data).members();
    if (m.get("receipt") instanceof JsonObject receipt) {
      return string(receipt.members(), "checkpoint");
    }
    return string(m, "checkpoint");
  }

  /** The data of a ping carrying {@code note}. */
  static String ping(String note) {
    return utf8(new JsonObject(Map.of("checkpoint", new JsonString(note))));
  }

  /**
   * {@code workData} with one bit flipped in the first hash of its receipt's inclusion proof; every
   * other byte of the event is the server's.
   *
   * @throws AssertionError if the proof is empty (a log of one leaf has nothing to forge)
   */
  static String forgeInclusion(String workData) {
    Map<String, JsonValue> event = new LinkedHashMap<>(parse(workData).members());
    if (!(event.get("receipt") instanceof JsonObject receipt)) {
      throw new AssertionError("a work event without a receipt: " + workData);
    }
    Map<String, JsonValue> r = new LinkedHashMap<>(receipt.members());
    if (!(r.get("inclusion") instanceof JsonArray(List<JsonValue> hashes)) || hashes.isEmpty()) {
      throw new AssertionError("the receipt has no inclusion hash to forge: " + receipt);
    }
    if (!(hashes.getFirst() instanceof JsonString(String first))) {
      throw new AssertionError("an inclusion hash is not a string");
    }
    byte[] h = Base64.getDecoder().decode(first);
    h[0] ^= 0x01;
    List<JsonValue> forged = new ArrayList<>(hashes);
    forged.set(0, new JsonString(Base64.getEncoder().encodeToString(h)));
    r.put("inclusion", new JsonArray(forged));
    event.put("receipt", new JsonObject(r));
    return utf8(new JsonObject(event));
  }

  private static String string(Map<String, JsonValue> m, String field) {
    if (m.get(field) instanceof JsonString(String s)) {
      return s;
    }
    throw new AssertionError("event field " + field + " is missing or not a string");
  }

  private static String utf8(JsonValue v) {
    return new String(CanonicalJson.write(v), StandardCharsets.UTF_8);
  }
}
