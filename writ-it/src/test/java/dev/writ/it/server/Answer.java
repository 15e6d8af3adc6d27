package dev.writ.it.server;

import dev.writ.core.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP answer to {@code POST /v1/writs} as received: the status and the body. {@link #json}
 * checks the body is one canonical JSON object (docs/spec/api.md section 1). Immutable and
 * thread-safe.
 */
final class Answer {
  private final int status;
  private final byte[] body;

  Answer(int status, byte[] body) {
    this.status = status;
    this.body = body.clone();
  }

  int status() {
    return status;
  }

  /** The body as an object; an {@link AssertionError} if it is not canonical JSON. */
  Map<String, JsonValue> json() {
    return Json.object(body, "the body of a " + status + " answer");
  }

  /** The reason field, or "" if absent or the body is not JSON (for tallies only). */
  String reasonOrEmpty() {
    try {
      return Json.optString(json(), "reason").orElse("");
    } catch (AssertionError e) {
      return "";
    }
  }

  @Override
  public String toString() {
    String text = new String(body, StandardCharsets.UTF_8);
    return status + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
  }
}
