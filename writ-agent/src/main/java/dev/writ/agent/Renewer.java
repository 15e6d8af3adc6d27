package dev.writ.agent;

import dev.writ.core.SpiffeId;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.SvidKeyManager;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's side of SVID renewal (docs/spec/enrollment.md section 3.4): over mutual TLS with the
 * node's current SVID it asks for a challenge, answers with fresh TPM evidence bound to the
 * challenge and a new key, and receives a new SVID for the same SPIFFE ID. No writ is involved. The
 * server renews only nodes enrolled with an attested posture and only with evidence that verifies;
 * otherwise the node must enroll again before its SVID expires.
 *
 * <p>Thread-safe: each call is one renewal with its own connection and key.
 */
public final class Renewer {
  /**
   * What to renew: the node's current credentials (presented in the TLS handshake) and its TPM.
   * {@code tpm} empty asks with {@code evidence_kind} {@code none}, which the server refuses with
   * {@code POSTURE_INSUFFICIENT}.
   */
  public record Request(
      URI server, TrustBundle bundle, SvidCredentials current, Optional<TpmDevice> tpm) {}

  /** The outcome: the same identity, its recorded posture, the new credentials and the bundle. */
  public record Renewed(
      SpiffeId id, String posture, SvidCredentials credentials, String bundlePem) {}

  private final Clock clock;
  private final SecureRandom random;

  public Renewer(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  /**
   * Renews {@code r.current()}.
   *
   * @throws EnrollException with the server's reason when it refused, without one when the server
   *     could not be reached (a revoked or expired SVID fails the TLS handshake) or the TPM failed
   */
  public Renewed renew(Request r) throws EnrollException {
    SpiffeId id = r.current().svid().id();
    try (ServerClient server =
        ServerClient.connect(
            r.server(), r.bundle(), SvidKeyManager.of(r.current()), clock, random)) {
      EvidenceSource evidence = EvidenceSource.of(r.tpm());
      Map<String, JsonValue> challengeBody = new LinkedHashMap<>();
      evidence.challengeMembers(challengeBody);
      JsonObject challenge = server.post("/v1/svid/challenge", challengeBody);

      NodeKey keys =
          NodeKeys.generate(r.tpm().map(t -> t.keeping(r.current().svid().publicKey())), random);
      Map<String, JsonValue> body = new LinkedHashMap<>();
      body.put("challenge", ServerClient.str(ServerClient.string(challenge, "challenge")));
      body.put(
          "csr",
          ServerClient.str(Base64.getEncoder().encodeToString(NodeKeys.csr(keys, name(id)))));
      evidence.answer(challenge, keys.publicKey()).ifPresent(e -> body.put("evidence", e));
      JsonObject answer = server.post("/v1/svid/renew", body);

      SvidCredentials creds =
          NodeKeys.credentials(
              ServerClient.string(answer, "svid"), keys, r.bundle(), clock.instant());
      if (!creds.svid().id().equals(id)) {
        throw new EnrollException("the server renewed " + creds.svid().id() + ", not " + id);
      }
      return new Renewed(
          id, ServerClient.string(answer, "posture"), creds, ServerClient.string(answer, "bundle"));
    }
  }

  /** The node name of {@code spiffe://<td>/node/<name>}, for the CSR's (ignored) subject. */
  private static String name(SpiffeId id) {
    return id.path().substring(id.path().lastIndexOf('/') + 1);
  }
}
