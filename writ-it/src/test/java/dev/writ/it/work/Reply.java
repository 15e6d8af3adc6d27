package dev.writ.it.work;

import dev.writ.core.json.JsonValue;
import dev.writ.it.server.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP answer: status and body. Immutable in use (the body is not handed out for writing).
 *
 * @param status the HTTP status
 * @param body the body's bytes
 */
@SuppressWarnings("ArrayRecordComponent") // read only, by the test that made the request
record Reply(int status, byte[] body) {
  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body as canonical JSON, or an AssertionError naming the status and body. */
  Map<String, JsonValue> json() {
    return Json.object(body, "the answer (" + status + " " + text() + ")");
  }

  @Override
  public String toString() {
    return status + " " + text();
  }
}
