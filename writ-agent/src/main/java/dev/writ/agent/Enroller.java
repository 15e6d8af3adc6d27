package dev.writ.agent;

import dev.writ.core.SpiffeId;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.SvidKeyManager;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The agent's side of enrollment (docs/spec/enrollment.md section 3): it generates its own key (in
 * the TPM when it has one), asks the server for a challenge with its writ, answers with fresh
 * evidence bound to the challenge and the key, and receives its X.509-SVID. It talks only to the
 * server it was given, over TLS 1.3, trusting only the bundle it was given and only the server's
 * SPIFFE ID; it opens no listener.
 *
 * <p>Thread-safe: each call is one enrollment with its own connection and key.
 */
public final class Enroller {
  /**
   * What to enroll. {@code tpm} empty: no evidence, the node enrolls {@code degraded}. The envelope
   * is copied in and only ever read.
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in the constructor, never written
  public record Request(
      URI server,
      TrustBundle bundle,
      String name,
      byte[] envelope,
      Optional<TpmDevice> tpm,
      SortedMap<String, String> advisory) {
    public Request {
      envelope = envelope.clone();
    }
  }

  /** The outcome: identity, posture, credentials and the receipt of the audited allow. */
  public record Enrolled(
      SpiffeId id, String posture, SvidCredentials credentials, String bundlePem, String receipt) {}

  private final Clock clock;
  private final SecureRandom random;

  public Enroller(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  public Enrolled enroll(Request r) throws EnrollException {
    try (ServerClient server =
        ServerClient.connect(r.server(), r.bundle(), SvidKeyManager.empty(), clock, random)) {
      EvidenceSource evidence = EvidenceSource.of(r.tpm());
      String envelope = Base64.getEncoder().encodeToString(r.envelope());

      Map<String, JsonValue> challengeBody = new LinkedHashMap<>();
      challengeBody.put("envelope", ServerClient.str(envelope));
      challengeBody.put("node", ServerClient.str(r.name()));
      evidence.challengeMembers(challengeBody);
      JsonObject challenge = server.post("/v1/enroll/challenge", challengeBody);

      NodeKey keys = NodeKeys.generate(r.tpm(), random);
      Map<String, JsonValue> body = new LinkedHashMap<>();
      body.put("envelope", ServerClient.str(envelope));
      body.put("node", ServerClient.str(r.name()));
      body.put("challenge", ServerClient.str(ServerClient.string(challenge, "challenge")));
      body.put(
          "csr",
          ServerClient.str(Base64.getEncoder().encodeToString(NodeKeys.csr(keys, r.name()))));
      if (!r.advisory().isEmpty()) {
        Map<String, JsonValue> a = new LinkedHashMap<>();
        r.advisory().forEach((k, v) -> a.put(k, ServerClient.str(v)));
        body.put("advisory", new JsonObject(a));
      }
      evidence.answer(challenge, keys.publicKey()).ifPresent(e -> body.put("evidence", e));
      JsonObject answer = server.post("/v1/enroll", body);

      SvidCredentials creds =
          NodeKeys.credentials(
              ServerClient.string(answer, "svid"), keys, r.bundle(), clock.instant());
      return new Enrolled(
          creds.svid().id(),
          ServerClient.string(answer, "posture"),
          creds,
          ServerClient.string(answer, "bundle"),
          new String(CanonicalJson.write(answer.members().get("receipt")), StandardCharsets.UTF_8));
    }
  }
}
