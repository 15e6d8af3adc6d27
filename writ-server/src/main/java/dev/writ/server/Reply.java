package dev.writ.server;

import dev.writ.core.Decision;
import dev.writ.core.Reason;
import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.state.AuditLeaf;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP status and its canonical JSON body (RFC 8785, via {@link CanonicalJson}). Immutable.
 *
 * @param status the HTTP status code
 * @param body the response body
 */
record Reply(int status, JsonValue body) {
  static final int OK = 200;
  static final int BAD_REQUEST = 400;
  static final int FORBIDDEN = 403;
  static final int PAYLOAD_TOO_LARGE = 413;
  static final int SERVICE_UNAVAILABLE = 503;

  /**
   * The code of a 503: the ledger could not establish or record the outcome. It is a server
   * condition, not a writ denial reason: it is not in {@link Reason}, never audited as one, and a
   * client may retry the same writ (the id may or may not have been burned; it is never granted
   * twice).
   */
  static final String LEDGER_UNAVAILABLE = "LEDGER_UNAVAILABLE";

  /**
   * 200: the writ was allowed and spent. The receipt carries the audit leaf committed with the
   * spend; the signed checkpoint and the inclusion proof (DESIGN.md section 4) come in a later
   * slice.
   */
  static Reply allow(WritId id, AuditLeaf leaf) {
    Map<String, JsonValue> receipt = new LinkedHashMap<>();
    receipt.put("index", new JsonValue.JsonInteger(leaf.index()));
    receipt.put("leaf", new JsonValue.JsonString(leaf.base64()));
    Map<String, JsonValue> body = new LinkedHashMap<>();
    body.put("decision", new JsonValue.JsonString("allow"));
    body.put("id", new JsonValue.JsonString(id.hex()));
    body.put("receipt", new JsonValue.JsonObject(receipt));
    return new Reply(OK, new JsonValue.JsonObject(body));
  }

  /** 400 for input that is not a well-formed writ, 403 for a writ that was denied. */
  static Reply deny(Decision.Deny deny) {
    return deny(statusOf(deny.reason()), deny.reason().name(), deny.id());
  }

  /** 413: the request body is larger than any envelope may be. */
  static Reply oversize() {
    return deny(PAYLOAD_TOO_LARGE, Reason.OVERSIZE.name(), Optional.empty());
  }

  /** 503: see {@link #LEDGER_UNAVAILABLE}. Never an allow. */
  static Reply ledgerUnavailable(Optional<WritId> id) {
    return deny(SERVICE_UNAVAILABLE, LEDGER_UNAVAILABLE, id);
  }

  private static Reply deny(int status, String code, Optional<WritId> id) {
    Map<String, JsonValue> body = new LinkedHashMap<>();
    body.put("decision", new JsonValue.JsonString("deny"));
    body.put("reason", new JsonValue.JsonString(code));
    id.ifPresent(i -> body.put("id", new JsonValue.JsonString(i.hex())));
    return new Reply(status, new JsonValue.JsonObject(body));
  }

  /** Parse failures are the client's malformed request; every other reason is a refusal. */
  static int statusOf(Reason reason) {
    return switch (reason) {
      case OVERSIZE, MALFORMED, NON_CANONICAL, UNSUPPORTED_VERSION, UNKNOWN_FIELD -> BAD_REQUEST;
      case ROOT_EXPIRED,
          ROOT_ROLLBACK,
          UNKNOWN_KEY,
          BAD_SIGNATURE,
          ROLE_NOT_PERMITTED,
          HYBRID_REQUIRED,
          THRESHOLD_NOT_MET,
          SEPARATION_OF_DUTIES,
          EXPIRED,
          NOT_YET_VALID,
          TTL_EXCEEDS_POLICY,
          PAUSED,
          TARGET_QUARANTINED,
          IDENTITY_MISMATCH,
          NOT_IN_TARGET_SET,
          POSTURE_INSUFFICIENT,
          CONTENT_MISMATCH,
          TICKET_REQUIRED,
          TIER_BELOW_FLOOR,
          SPENT ->
          FORBIDDEN;
    };
  }

  /** The canonical JSON bytes of the body. */
  byte[] bytes() {
    return CanonicalJson.write(body);
  }
}
