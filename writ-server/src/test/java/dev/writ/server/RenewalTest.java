package dev.writ.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.agent.EnrollException;
import dev.writ.agent.Enroller;
import dev.writ.agent.Renewer;
import dev.writ.agent.TpmDevice;
import dev.writ.core.Capability;
import dev.writ.core.Posture;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.TestFleet;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tpm.AttestationKeyType;
import dev.writ.identity.tpm.PcrId;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.Tpm2Tools;
import dev.writ.identity.tpm.TpmHash;
import dev.writ.state.NodeRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SVID renewal end to end in one JVM (docs/spec/enrollment.md section 3.4): a real server (Ratis,
 * Jetty TLS), real swtpms driven through tpm2-tools by the agent's enroller and renewer, and enroll
 * writs signed with the test fleet's keys. Every refusal is asserted with its reason code; the
 * registry and the handshake are checked after each outcome.
 */
class RenewalTest {
  private static final Duration TPM_TIMEOUT = Duration.ofSeconds(30);
  private static final PcrId PCR16 = new PcrId(TpmHash.SHA256, 16);
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 20, 4, 1 << 20, 64), JsonReader.Mode.INTEGERS_ONLY);

  @TempDir Path dir;

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final Clock clock = SwtpmFleet.clock(now);

  private final List<SwtpmProcess> swtpms = new ArrayList<>();
  private SwtpmProcess swtpm;
  private WritServer server;
  private TestFleet fleet;
  private TrustBundle bundle;

  @BeforeEach
  void start() throws Exception {
    swtpm = swtpm("swtpm");
    // the swtpm's EK certificate was issued just now: the server's clock starts after that
    now.set(Instant.now());
    fleet = SwtpmFleet.fleet(swtpm, now.get());
    server = WritServer.start(0, fleet.root(), dir.resolve("server"), clock);
    bundle = SwtpmFleet.bundle(server);
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    for (SwtpmProcess s : swtpms) {
      s.close();
    }
  }

  /** A swtpm in its own state directory; all share one local CA, the authority the root lists. */
  private SwtpmProcess swtpm(String name) throws Exception {
    SwtpmProcess s = SwtpmProcess.start(dir.resolve(name), dir.resolve("swtpm-ca"), TPM_TIMEOUT);
    swtpms.add(s);
    return s;
  }

  @Test
  void renew_freshQuote_newSerialRecordedAndOldSvidConnectsUntilItsExpiry() throws Exception {
    SvidCredentials old = enroll("web-1", Optional.of(tpm())).credentials();
    String oldSerial = serial(old);
    now.set(now.get().plus(Duration.ofMinutes(30)));

    Renewer.Renewed renewed = renew(old, Optional.of(tpm()));

    assertThat(renewed.id()).isEqualTo(TestFleet.nodeId("web-1"));
    assertThat(renewed.posture()).isEqualTo(Posture.ATTESTED_SOFTWARE.wire());
    assertThat(serial(renewed.credentials())).isNotEqualTo(oldSerial);
    // same lifetime as at enrollment (certificate times are whole seconds)
    assertThat(Duration.between(now.get(), renewed.credentials().svid().notAfter()))
        .isBetween(WritServer.SVID_TTL.minusSeconds(1), WritServer.SVID_TTL);
    NodeRecord r = server.registry().node(renewed.id()).orElseThrow();
    assertThat(r.registration().serial()).isEqualTo(serial(renewed.credentials()));
    assertThat(r.registration().notAfter())
        .isEqualTo(renewed.credentials().svid().notAfter().getEpochSecond());
    assertThat(r.previousSerial()).contains(oldSerial);
    assertThat(r.registration().posture()).isEqualTo(Posture.ATTESTED_SOFTWARE);
    assertThat(r.registration().measurements())
        .containsEntry("sha256:16", "00".repeat(32))
        .containsKey(TpmEvidenceCheck.EK_SHA256);
    // both SVIDs connect while the old one is unexpired
    assertThat(getWithSvid(renewed.credentials(), "/v1/status")).isEqualTo(200);
    assertThat(getWithSvid(old, "/v1/status")).isEqualTo(200);

    now.set(old.svid().notAfter().plusSeconds(1));

    assertThatThrownBy(() -> getWithSvid(old, "/v1/status"))
        .hasRootCauseInstanceOf(SSLHandshakeException.class);
    assertThat(getWithSvid(renewed.credentials(), "/v1/status")).isEqualTo(200);
  }

  @Test
  void renew_twice_theFirstSvidIsNoLongerAcceptedAtTheHandshake() throws Exception {
    SvidCredentials first = enroll("web-1", Optional.of(tpm())).credentials();
    SvidCredentials second = renew(first, Optional.of(tpm())).credentials();

    SvidCredentials third = renew(second, Optional.of(tpm())).credentials();

    NodeRecord r = server.registry().node(TestFleet.nodeId("web-1")).orElseThrow();
    assertThat(r.registration().serial()).isEqualTo(serial(third));
    assertThat(r.previousSerial()).contains(serial(second));
    assertThat(getWithSvid(second, "/v1/status")).isEqualTo(200);
    assertThatThrownBy(() -> getWithSvid(first, "/v1/status"))
        .hasRootCauseInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void renew_degradedNode_deniesWithPostureInsufficient() throws Exception {
    SvidCredentials creds = enroll("edge-1", Optional.empty()).credentials();

    assertRefused(() -> renew(creds, Optional.of(tpm())), "POSTURE_INSUFFICIENT");
    assertRefused(() -> renew(creds, Optional.empty()), "POSTURE_INSUFFICIENT");
    assertThat(registered("edge-1").registration().serial()).isEqualTo(serial(creds));
    assertThat(registered("edge-1").previousSerial()).isEmpty();
  }

  @Test
  void renew_evidenceKindNone_deniesWithPostureInsufficientAndReceipt() throws Exception {
    SvidCredentials creds = enroll("web-1", Optional.of(tpm())).credentials();

    assertRefused(() -> renew(creds, Optional.empty()), "POSTURE_INSUFFICIENT");
    JsonValue.JsonObject answer =
        post(Optional.of(creds), tls(), "/v1/svid/challenge", "{\"evidence_kind\":\"none\"}", 403);
    assertThat(answer.members().get("reason"))
        .isEqualTo(new JsonValue.JsonString("POSTURE_INSUFFICIENT"));
    assertThat(answer.members()).containsKeys("receipt", "detail");
    assertThat(registered("web-1").registration().serial()).isEqualTo(serial(creds));
  }

  @Test
  void renew_tpmChallengeAnsweredWithoutEvidence_deniesWithPostureInsufficient() throws Exception {
    SvidCredentials creds = enroll("web-1", Optional.of(tpm())).credentials();
    String nonce = tpmChallenge(creds);

    JsonValue.JsonObject answer =
        post(
            Optional.of(creds),
            tls(),
            "/v1/svid/renew",
            "{\"challenge\":\"" + nonce + "\",\"csr\":\"" + csr() + "\"}",
            403);

    assertThat(answer.members().get("reason"))
        .isEqualTo(new JsonValue.JsonString("POSTURE_INSUFFICIENT"));
    assertThat(answer.members()).containsKey("receipt");
    assertThat(registered("web-1").registration().serial()).isEqualTo(serial(creds));
  }

  @Test
  void renew_pcrExtendedSinceEnrollment_deniesWithPcrMismatchAndOldSvidKeepsWorking()
      throws Exception {
    SvidCredentials creds = enroll("web-1", Optional.of(tpm())).credentials();
    new Tpm2Tools(swtpm.tcti(), Files.createDirectories(dir.resolve("extend")), TPM_TIMEOUT)
        .extendPcr(PCR16, new byte[32]);

    assertRefused(() -> renew(creds, Optional.of(tpm())), "PCR_MISMATCH");
    assertThat(registered("web-1").registration().serial()).isEqualTo(serial(creds));
    assertThat(registered("web-1").previousSerial()).isEmpty();
    assertThat(getWithSvid(creds, "/v1/status")).isEqualTo(200);
  }

  @Test
  void renew_quoteFromAnotherTpm_deniesWithIdentityMismatch() throws Exception {
    SvidCredentials creds = enroll("web-1", Optional.of(tpm())).credentials();
    SwtpmProcess other = swtpm("swtpm-other");
    now.set(Instant.now()); // its EK certificate was issued just now, by the same trusted CA
    TpmDevice otherTpm =
        TpmDevice.open(other.tcti(), dir.resolve("other-tpm"), other.caCertificates());

    assertRefused(() -> renew(creds, Optional.of(otherTpm)), "IDENTITY_MISMATCH");
    assertThat(registered("web-1").registration().serial()).isEqualTo(serial(creds));
  }

  @Test
  void renew_challengeIssuedToAnotherNode_deniesWithStaleNonce() throws Exception {
    SvidCredentials web1 = enroll("web-1", Optional.of(tpm())).credentials();
    // web-2 on its own TPM: node keys live in the TPM, so a second node on web-1's TPM would
    // replace web-1's key at its handle and web-1 could no longer complete a handshake
    SwtpmProcess other = swtpm("swtpm-web-2");
    now.set(Instant.now()); // its EK certificate was issued just now, by the same trusted CA
    TpmDevice web2Tpm =
        TpmDevice.open(other.tcti(), dir.resolve("web-2-tpm"), other.caCertificates());
    SvidCredentials web2 = enroll("web-2", Optional.of(web2Tpm)).credentials();
    String nonceOfWeb1 = tpmChallenge(web1);

    JsonValue.JsonObject answer =
        post(
            Optional.of(web2),
            tls(),
            "/v1/svid/renew",
            "{\"challenge\":\"" + nonceOfWeb1 + "\",\"csr\":\"" + csr() + "\"}",
            403);

    assertThat(answer.members().get("reason")).isEqualTo(new JsonValue.JsonString("STALE_NONCE"));
    assertThat(registered("web-1").registration().serial()).isEqualTo(serial(web1));
    assertThat(registered("web-2").registration().serial()).isEqualTo(serial(web2));
  }

  @Test
  void renewRoutes_withoutClientCertificate_deniesWithUnknownNodeAndReceipt() throws Exception {
    enroll("web-1", Optional.of(tpm()));
    JsonValue.JsonObject challenge =
        post(Optional.empty(), tls(), "/v1/svid/challenge", "{\"evidence_kind\":\"none\"}", 403);
    JsonValue.JsonObject renew =
        post(
            Optional.empty(),
            tls(),
            "/v1/svid/renew",
            "{\"challenge\":\"" + b64(new byte[32]) + "\",\"csr\":\"" + csr() + "\"}",
            403);

    for (JsonValue.JsonObject answer : List.of(challenge, renew)) {
      assertThat(answer.members().get("reason"))
          .isEqualTo(new JsonValue.JsonString("UNKNOWN_NODE"));
      assertThat(answer.members()).containsKey("receipt");
    }
  }

  @Test
  void renew_revokedNode_refusedAtTheHandshakeBeforeAsking() throws Exception {
    SvidCredentials creds = enroll("web-1", Optional.of(tpm())).credentials();
    server.revoke(serial(creds));

    assertThatThrownBy(() -> renew(creds, Optional.of(tpm())))
        .isInstanceOfSatisfying(EnrollException.class, e -> assertThat(e.reason()).isEmpty())
        .hasRootCauseInstanceOf(SSLHandshakeException.class);
    assertThat(registered("web-1").registration().serial()).isEqualTo(serial(creds));
  }

  // --- helpers

  private URI tls() {
    return server.uri();
  }

  private TpmDevice tpm() throws IOException {
    return TpmDevice.open(swtpm.tcti(), dir.resolve("agent-tpm"), swtpm.caCertificates());
  }

  private Enroller.Enrolled enroll(String name, Optional<TpmDevice> tpm) throws Exception {
    JsonValue.JsonObject opened =
        post(Optional.empty(), tls(), "/v1/enroll/open", "{\"node\":\"" + name + "\"}", 200);
    String id = ((JsonValue.JsonString) opened.members().get("id")).value();
    SpiffeId node = TestFleet.nodeId(name);
    WritPayload payload =
        fleet
            .writ(Capability.ENROLL)
            .id(new WritId(id))
            .glob(node.toString())
            .setHash(TargetSet.of(List.of(node)).hash())
            .window(now.get().minusSeconds(1), now.get().plus(Duration.ofMinutes(30)))
            .build();
    byte[] writ = TestFleet.sign(payload, TestFleet.ALICE, TestFleet.BOB);
    return new Enroller(clock, new SecureRandom())
        .enroll(new Enroller.Request(tls(), bundle, name, writ, tpm, new TreeMap<>()));
  }

  private Renewer.Renewed renew(SvidCredentials current, Optional<TpmDevice> tpm)
      throws EnrollException {
    return new Renewer(clock, new SecureRandom())
        .renew(new Renewer.Request(tls(), bundle, current, tpm));
  }

  private NodeRecord registered(String name) {
    return server.registry().node(TestFleet.nodeId(name)).orElseThrow();
  }

  /** A tpm2 renewal challenge asked by hand with the swtpm's EK chain and AK; its nonce. */
  private String tpmChallenge(SvidCredentials creds) throws Exception {
    Tpm2Tools tools =
        new Tpm2Tools(swtpm.tcti(), Files.createDirectories(dir.resolve("by-hand")), TPM_TIMEOUT);
    tools.endorsementKey();
    List<String> chain = new ArrayList<>();
    chain.add("\"" + b64(tools.endorsementCertificate().getEncoded()) + "\"");
    for (X509Certificate c : swtpm.caCertificates()) {
      chain.add("\"" + b64(c.getEncoded()) + "\"");
    }
    byte[] ak = tools.attestationKey(Tpm2Tools.DEFAULT_AK_HANDLE, AttestationKeyType.ECC_P256);
    JsonValue.JsonObject answer =
        post(
            Optional.of(creds),
            tls(),
            "/v1/svid/challenge",
            "{\"ak_public\":\""
                + b64(ak)
                + "\",\"ek_chain\":["
                + String.join(",", chain)
                + "],\"evidence_kind\":\"tpm2\"}",
            200);
    assertThat(answer.members()).containsKeys("challenge", "credential_blob", "expires");
    return ((JsonValue.JsonString) answer.members().get("challenge")).value();
  }

  /** A valid PKCS#10 request (RFC 2986) for a fresh P-256 key, DER built by hand, in base64. */
  private static String csr() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    byte[] info =
        der(
            0x30,
            der(0x02, new byte[] {0}), // version 0
            der(0x30), // empty subject
            keys.getPublic().getEncoded(), // SubjectPublicKeyInfo
            der(0xa0)); // no attributes
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(info);
    byte[] signature = signer.sign();
    byte[] bits = new byte[signature.length + 1]; // no unused bits
    System.arraycopy(signature, 0, bits, 1, signature.length);
    byte[] ecdsaWithSha256 = {
      0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02
    };
    return b64(der(0x30, info, der(0x30, ecdsaWithSha256), der(0x03, bits)));
  }

  /** One DER TLV of {@code tag} around the concatenated {@code parts} (lengths under 64 KiB). */
  private static byte[] der(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    int n = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n & 0xff);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertRefused(Call call, String reason) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            EnrollException.class, ex -> assertThat(ex.reason()).contains(reason));
  }

  private static String serial(SvidCredentials c) {
    return c.svid().serial().toString(16);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private HttpClient client(SvidKeyManager keys) throws Exception {
    return TlsClients.withKeys(server, clock, keys);
  }

  /** POSTs {@code body} presenting {@code creds} (empty: no client certificate). */
  private JsonValue.JsonObject post(
      Optional<SvidCredentials> creds, URI base, String path, String body, int expectedStatus)
      throws Exception {
    SvidKeyManager keys = creds.map(SvidKeyManager::of).orElseGet(SvidKeyManager::empty);
    try (HttpClient http = client(keys)) {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(new String(r.body(), UTF_8)).isEqualTo(expectedStatus);
      return (JsonValue.JsonObject) READER.read(r.body());
    }
  }

  private int getWithSvid(SvidCredentials creds, String path) throws Exception {
    try (HttpClient http = client(SvidKeyManager.of(creds))) {
      return http.send(
              HttpRequest.newBuilder(tls().resolve(path)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
