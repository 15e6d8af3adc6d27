package dev.writ.server;

import dev.writ.core.Posture;
import dev.writ.core.Reason;
import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.identity.tpm.CredentialChallenge;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP status and its canonical JSON body (RFC 8785, via {@link CanonicalJson}), with the
 * decision and reason it carries for metrics. Immutable.
 *
 * @param status the HTTP status code
 * @param body the response body
 * @param decision {@code allow} or {@code deny}
 * @param reason the reason code, empty for an allow
 */
record Reply(int status, JsonValue body, String decision, String reason) {
  static final int OK = 200;
  static final int BAD_REQUEST = 400;
  static final int FORBIDDEN = 403;
  static final int PAYLOAD_TOO_LARGE = 413;
  static final int TOO_MANY_REQUESTS = 429;
  static final int SERVICE_UNAVAILABLE = 503;

  /** The code of a 429 (docs/spec/api.md section 6); not audited. */
  static final String RATE_LIMITED = "RATE_LIMITED";

  /** The code of a 503 when too many requests wait for the ledger; not audited. */
  static final String OVERLOADED = "OVERLOADED";

  /**
   * The code of a 503: the ledger could not establish or record the outcome. It is a server
   * condition, not a writ denial reason: it is not in {@link Reason}, never audited as one, and a
   * client may retry the same writ (the id may or may not have been burned; it is never granted
   * twice).
   */
  static final String LEDGER_UNAVAILABLE = "LEDGER_UNAVAILABLE";

  /**
   * 200: the writ was allowed and spent; {@code receipt} proves the leaf committed with the spend
   * (docs/spec/api.md section 3).
   */
  static Reply allow(WritId id, JsonValue.JsonObject receipt) {
    Map<String, JsonValue> body = new LinkedHashMap<>();
    body.put("decision", new JsonValue.JsonString("allow"));
    body.put("id", new JsonValue.JsonString(id.hex()));
    body.put("receipt", receipt);
    return new Reply(OK, new JsonValue.JsonObject(body), "allow", "");
  }

  /**
   * 400 for input that is not a well-formed writ, 403 for a writ that was denied, 413 for {@code
   * OVERSIZE}; {@code receipt} proves the audited denial.
   */
  static Reply deny(Reason reason, Optional<WritId> id, JsonValue.JsonObject receipt) {
    return deny(statusOf(reason), reason.name(), id, Optional.of(receipt));
  }

  /** 503: see {@link #LEDGER_UNAVAILABLE}. Never an allow. */
  static Reply ledgerUnavailable(Optional<WritId> id) {
    return deny(SERVICE_UNAVAILABLE, LEDGER_UNAVAILABLE, id, Optional.empty());
  }

  /** 503: too many requests wait for the ledger. */
  static Reply overloaded() {
    return deny(SERVICE_UNAVAILABLE, OVERLOADED, Optional.empty(), Optional.empty());
  }

  /** 429: over the request rate. */
  static Reply rateLimited() {
    return deny(TOO_MANY_REQUESTS, RATE_LIMITED, Optional.empty(), Optional.empty());
  }

  private static Reply deny(
      int status, String code, Optional<WritId> id, Optional<JsonValue.JsonObject> receipt) {
    Map<String, JsonValue> body = new LinkedHashMap<>();
    body.put("decision", new JsonValue.JsonString("deny"));
    body.put("reason", new JsonValue.JsonString(code));
    id.ifPresent(i -> body.put("id", new JsonValue.JsonString(i.hex())));
    receipt.ifPresent(r -> body.put("receipt", r));
    return new Reply(status, new JsonValue.JsonObject(body), "deny", code);
  }

  /** Parse failures are the client's malformed request; every other reason is a refusal. */
  static int statusOf(Reason reason) {
    return switch (reason) {
      case OVERSIZE, ATTESTATION_OVERSIZE -> PAYLOAD_TOO_LARGE;
      case MALFORMED,
          NON_CANONICAL,
          UNSUPPORTED_VERSION,
          UNKNOWN_FIELD,
          CSR_INVALID,
          ATTESTATION_MALFORMED ->
          BAD_REQUEST;
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
          SPENT,
          ENROLLMENT_NOT_OPEN,
          STALE_NONCE,
          ATTESTATION_BAD_SIGNATURE,
          ATTESTATION_UNTRUSTED,
          ATTESTATION_AUTHORITY_NOT_LISTED,
          ATTESTATION_NONCE_MISMATCH,
          ATTESTATION_KEY_UNBOUND,
          ATTESTATION_POLICY,
          PCR_MISMATCH,
          UNKNOWN_NODE,
          NODE_REVOKED,
          SVID_INVALID,
          WORK_NOT_OPEN,
          RECEIPT_INVALID,
          LOG_INCONSISTENT,
          TIER_UNAVAILABLE ->
          FORBIDDEN;
    };
  }

  /** This reply with a one-line {@code detail} for people (enrollment answers). */
  Reply withDetail(String detail) {
    Map<String, JsonValue> m = new LinkedHashMap<>(((JsonValue.JsonObject) body).members());
    m.put("detail", new JsonValue.JsonString(oneLine(detail)));
    return new Reply(status, new JsonValue.JsonObject(m), decision, reason);
  }

  private static String oneLine(String s) {
    String line = s == null ? "" : s.replaceAll("[\\x00-\\x1f\\x7f]+", " ").strip();
    return line.length() > 300 ? line.substring(0, 300) : line;
  }

  /**
   * A refusal that is not a writ decision (content routes, docs/spec/content.md section 5): {@code
   * {"decision":"deny","detail":TEXT,"reason":CODE}}, never audited.
   */
  static Reply refusal(int status, String code, String detail) {
    return deny(status, code, Optional.empty(), Optional.empty()).withDetail(detail);
  }

  /** 400 for a body that does not parse, where nothing is decided and nothing is audited. */
  static Reply badRequest(String detail) {
    return deny(BAD_REQUEST, Reason.MALFORMED.name(), Optional.empty(), Optional.empty())
        .withDetail(detail);
  }

  /** 200 for {@code POST /v1/enroll/open} (enrollment.md section 3.1). */
  static Reply opened(WritId id, SpiffeId node, String setHash, Instant expires) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("expires", new JsonValue.JsonInteger(expires.getEpochSecond()));
    m.put("id", new JsonValue.JsonString(id.hex()));
    m.put("node", new JsonValue.JsonString(node.toString()));
    m.put("set_hash", new JsonValue.JsonString(setHash));
    return new Reply(OK, new JsonValue.JsonObject(m), "open", "");
  }

  /** 200 for {@code POST /v1/enroll/challenge} (enrollment.md section 3.2). */
  static Reply challenge(byte[] nonce, Instant expires, Optional<CredentialChallenge> credential) {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("challenge", new JsonValue.JsonString(b64.encodeToString(nonce)));
    m.put("expires", new JsonValue.JsonInteger(expires.getEpochSecond()));
    credential.ifPresent(
        c ->
            m.put(
                "credential_blob",
                new JsonValue.JsonString(b64.encodeToString(c.credentialBlob()))));
    return new Reply(OK, new JsonValue.JsonObject(m), "challenge", "");
  }

  /** 200 for {@code POST /v1/enroll}: the SVID, the bundle and the receipt of the allow. */
  static Reply enrolled(
      WritId id,
      SpiffeId node,
      Posture posture,
      String svidPem,
      String bundlePem,
      JsonValue.JsonObject receipt) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("bundle", new JsonValue.JsonString(bundlePem));
    m.put("decision", new JsonValue.JsonString("allow"));
    m.put("id", new JsonValue.JsonString(id.hex()));
    m.put("node", new JsonValue.JsonString(node.toString()));
    m.put("posture", new JsonValue.JsonString(posture.wire()));
    m.put("receipt", receipt);
    m.put("svid", new JsonValue.JsonString(svidPem));
    return new Reply(OK, new JsonValue.JsonObject(m), "allow", "");
  }

  /**
   * 200 for {@code POST /v1/svid/renew} (enrollment.md section 3.4): the new SVID, the bundle and
   * the node's recorded posture; no writ, so no id and no receipt.
   */
  static Reply renewed(SpiffeId node, Posture posture, String svidPem, String bundlePem) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("bundle", new JsonValue.JsonString(bundlePem));
    m.put("node", new JsonValue.JsonString(node.toString()));
    m.put("posture", new JsonValue.JsonString(posture.wire()));
    m.put("svid", new JsonValue.JsonString(svidPem));
    return new Reply(OK, new JsonValue.JsonObject(m), "allow", "");
  }

  /** The canonical JSON bytes of the body. */
  byte[] bytes() {
    return CanonicalJson.write(body);
  }
}
