package dev.writ.state;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonInteger;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds decision records, the audit log's leaves (docs/spec/log.md, "Decision records (leaves)"):
 * the RFC 8785 bytes of {@code
 * {"cap"?,"decision","envelope_sha256","id"?,"index","reason"?,"time","v":1}}.
 *
 * <p>Thread-safe: stateless.
 */
final class DecisionRecords {
  /** Format version of a decision record. */
  static final int VERSION = 1;

  static final String ALLOW = "allow";
  static final String DENY = "deny";

  private DecisionRecords() {}

  /** The record of what {@code command} decided, at ledger position {@code index}. */
  static byte[] leaf(StateCommand command, boolean allowed, long index) {
    return leaf(command, allowed, Reason.SPENT, index);
  }

  /**
   * As {@link #leaf(StateCommand, boolean, long)}; {@code reason} is the denial reason of an {@code
   * enroll} or {@code work_authorize} command that did not allow ({@code SPENT}, {@code
   * ENROLLMENT_NOT_OPEN} or {@code WORK_NOT_OPEN}).
   */
  static byte[] leaf(StateCommand command, boolean allowed, Reason reason, long index) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("v", new JsonInteger(VERSION));
    switch (command) {
      case StateCommand.Authorize a -> {
        m.put("id", new JsonString(a.id().hex()));
        m.put("envelope_sha256", new JsonString(a.envelopeSha256()));
        m.put("cap", new JsonString(a.cap().wire()));
        m.put("decision", new JsonString(allowed ? ALLOW : DENY));
        if (!allowed) {
          m.put("reason", new JsonString(Reason.SPENT.name()));
        }
      }
      case StateCommand.Deny d -> {
        if (allowed) {
          throw new IllegalArgumentException("a deny command never allows");
        }
        d.id().ifPresent(id -> m.put("id", new JsonString(id.hex())));
        m.put("envelope_sha256", new JsonString(d.envelopeSha256()));
        d.cap().ifPresent(c -> m.put("cap", new JsonString(c.wire())));
        m.put("decision", new JsonString(DENY));
        m.put("reason", new JsonString(d.reason().name()));
      }
      case StateCommand.Enroll e -> {
        m.put("id", new JsonString(e.id().hex()));
        m.put("envelope_sha256", new JsonString(e.envelopeSha256()));
        m.put("cap", new JsonString(Capability.ENROLL.wire()));
        m.put("decision", new JsonString(allowed ? ALLOW : DENY));
        if (!allowed) {
          m.put("reason", new JsonString(reason.name()));
        }
      }
      case StateCommand.WorkAuthorize w -> {
        m.put("id", new JsonString(w.id().hex()));
        m.put("envelope_sha256", new JsonString(w.envelopeSha256()));
        m.put("cap", new JsonString(w.cap().wire()));
        m.put("decision", new JsonString(allowed ? ALLOW : DENY));
        if (!allowed) {
          m.put("reason", new JsonString(reason.name()));
        }
      }
      case StateCommand.EnrollOpen _,
          StateCommand.Renew _,
          StateCommand.Revoke _,
          StateCommand.WorkOpen _,
          StateCommand.Result _ ->
          throw new IllegalArgumentException("this command appends no decision record");
    }
    m.put("time", new JsonInteger(command.at()));
    m.put("index", new JsonInteger(index));
    return CanonicalJson.write(new JsonObject(m));
  }
}
