package dev.writ.state;

import dev.writ.core.SpiffeId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds result records, the audit leaves of agents' signed results (docs/spec/log.md section 13):
 * the RFC 8785 bytes of {@code {"cert","index","kind":"result","node","result","signature","time",
 * "v":1}}.
 *
 * <p>Thread-safe: stateless.
 */
final class ResultRecords {
  static final int VERSION = 1;

  static final String KIND = "result";

  /**
   * The largest result record: a 4 KiB document and a 4 KiB certificate in base64, and the rest.
   */
  static final int MAX_BYTES = 16384;

  private ResultRecords() {}

  static byte[] leaf(StateCommand.Result r, SpiffeId node, long index) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(VERSION));
    m.put("kind", new JsonString(KIND));
    m.put("index", new JsonInteger(index));
    m.put("time", new JsonInteger(r.at()));
    m.put("node", new JsonString(node.toString()));
    m.put("result", WorkJson.base64(r.document()));
    m.put("signature", WorkJson.base64(r.signature()));
    m.put("cert", WorkJson.base64(r.cert()));
    return CanonicalJson.write(new JsonObject(m));
  }
}
