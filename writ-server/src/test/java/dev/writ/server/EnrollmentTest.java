package dev.writ.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.agent.EnrollException;
import dev.writ.agent.Enroller;
import dev.writ.agent.TpmDevice;
import dev.writ.core.Capability;
import dev.writ.core.Posture;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.TestFleet;
import dev.writ.core.TestKey;
import dev.writ.core.WritId;
import dev.writ.core.WritPayload;
import dev.writ.core.json.JsonValue;
import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tpm.AttestationKeyType;
import dev.writ.identity.tpm.PcrId;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.Tpm2Tools;
import dev.writ.identity.tpm.TpmHash;
import dev.writ.state.NodeRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * Enrollment end to end in one JVM: a real server (Ratis, Jetty TLS), a real swtpm driven through
 * tpm2-tools by the agent's enroller, and writs signed with the test fleet's keys. Every refusal
 * the issue names is asserted with its reason code and, where the server decided, its receipt.
 */
class EnrollmentTest {
  private static final Duration TPM_TIMEOUT = Duration.ofSeconds(30);
  private static final PcrId PCR16 = new PcrId(TpmHash.SHA256, 16);

  @TempDir Path dir;

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final Clock clock = SwtpmFleet.clock(now);

  private SwtpmProcess swtpm;
  private WritServer server;
  private TestFleet fleet;
  private TrustBundle bundle;

  @BeforeEach
  void start() throws Exception {
    swtpm = SwtpmProcess.start(dir.resolve("swtpm"), TPM_TIMEOUT);
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
    if (swtpm != null) {
      swtpm.close();
    }
  }

  private URI tls() {
    return server.uri();
  }

  /** Opens an enrollment and returns the writ signed by {@code signers}. */
  private byte[] openAndSign(String name, TestKey... signers) throws Exception {
    JsonValue.JsonObject opened = post("/v1/enroll/open", "{\"node\":\"" + name + "\"}", 200);
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
    return TestFleet.sign(payload, signers);
  }

  private TpmDevice tpm() throws IOException {
    return TpmDevice.open(swtpm.tcti(), dir.resolve("agent-tpm"), swtpm.caCertificates());
  }

  private Enroller.Enrolled enroll(String name, byte[] writ, Optional<TpmDevice> tpm)
      throws EnrollException {
    return new Enroller(clock, new SecureRandom())
        .enroll(new Enroller.Request(tls(), bundle, name, writ, tpm, new TreeMap<>()));
  }

  @Test
  void enroll_twoOperatorsAndSwtpmQuote_attestedSoftwareSvidAndRegistered() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);

    Enroller.Enrolled e = enroll("web-1", writ, Optional.of(tpm()));

    assertThat(e.id()).isEqualTo(TestFleet.nodeId("web-1"));
    assertThat(e.posture()).isEqualTo(Posture.ATTESTED_SOFTWARE.wire());
    assertThat(e.credentials().svid().notAfter())
        .isEqualTo(e.credentials().svid().leaf().getNotAfter().toInstant());
    assertThat(e.receipt()).contains("\"checkpoint\"");
    NodeRecord r = server.registry().node(e.id()).orElseThrow();
    assertThat(r.registration().posture()).isEqualTo(Posture.ATTESTED_SOFTWARE);
    assertThat(r.registration().kind()).contains("tpm2");
    assertThat(r.registration().measurements()).containsEntry("sha256:16", "00".repeat(32));
    assertThat(r.registration().serial()).isEqualTo(e.credentials().svid().serial().toString(16));
    // the SVID opens a mutual TLS connection the registry accepts
    assertThat(getWithSvid(e.credentials(), "/v1/status")).isEqualTo(200);
  }

  @Test
  void enroll_withoutTpm_enrolledDegraded() throws Exception {
    byte[] writ = openAndSign("edge-1", TestFleet.ALICE, TestFleet.BOB);

    Enroller.Enrolled e = enroll("edge-1", writ, Optional.empty());

    assertThat(e.posture()).isEqualTo("degraded");
    assertThat(server.registry().node(e.id()).orElseThrow().registration().kind()).isEmpty();
  }

  @Test
  void enroll_oneKeyInBothRoles_deniesWithSeparationOfDuties() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.SAM);

    assertRefused(() -> enroll("web-1", writ, Optional.of(tpm())), "SEPARATION_OF_DUTIES");
    assertThat(server.registry().node(TestFleet.nodeId("web-1"))).isEmpty();
  }

  @Test
  void enroll_replayedWrit_deniesWithSpent() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);
    enroll("web-1", writ, Optional.empty());

    assertRefused(() -> enroll("web-1", writ, Optional.empty()), "SPENT");
  }

  @Test
  void enroll_writForAnotherHost_deniesWithIdentityMismatch() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);

    assertRefused(() -> enroll("web-2", writ, Optional.of(tpm())), "IDENTITY_MISMATCH");
    assertThat(server.registry().node(TestFleet.nodeId("web-2"))).isEmpty();
  }

  @Test
  void enroll_writNeverOpened_deniesWithEnrollmentNotOpen() throws Exception {
    SpiffeId node = TestFleet.nodeId("web-9");
    byte[] writ =
        TestFleet.sign(
            fleet
                .writ(Capability.ENROLL)
                .glob(node.toString())
                .setHash(TargetSet.of(List.of(node)).hash())
                .window(now.get().minusSeconds(1), now.get().plus(Duration.ofMinutes(30)))
                .build(),
            TestFleet.ALICE,
            TestFleet.BOB);

    assertRefused(() -> enroll("web-9", writ, Optional.empty()), "ENROLLMENT_NOT_OPEN");
  }

  @Test
  void enroll_pcrChangedFromPolicy_deniesWithPcrMismatchAndWritStaysUnspent() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);
    new Tpm2Tools(swtpm.tcti(), Files.createDirectories(dir.resolve("extend")), TPM_TIMEOUT)
        .extendPcr(PCR16, new byte[32]);

    assertRefused(() -> enroll("web-1", writ, Optional.of(tpm())), "PCR_MISMATCH");
    // refused before the spend: the same writ still enrolls, here without evidence
    assertThat(enroll("web-1", writ, Optional.empty()).posture()).isEqualTo("degraded");
  }

  @Test
  void complete_unknownChallenge_deniesWithStaleNonceAndReceipt() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);
    String body =
        "{\"challenge\":\""
            + b64(new byte[32])
            + "\",\"csr\":\"AA==\",\"envelope\":\""
            + b64(writ)
            + "\",\"node\":\"web-1\"}";

    JsonValue.JsonObject answer = post("/v1/enroll", body, 403);

    assertThat(answer.members().get("reason")).isEqualTo(new JsonValue.JsonString("STALE_NONCE"));
    assertThat(answer.members()).containsKey("receipt");
  }

  @Test
  void challenge_garbageAkPublic_deniesWithAttestationMalformedAndReceipt() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);
    String ek = b64(swtpm.caCertificates().get(0).getEncoded());
    String body =
        "{\"ak_public\":\"AAEC\",\"ek_chain\":[\""
            + ek
            + "\"],\"envelope\":\""
            + b64(writ)
            + "\",\"evidence_kind\":\"tpm2\",\"node\":\"web-1\"}";

    JsonValue.JsonObject answer = post("/v1/enroll/challenge", body, 400);

    assertThat(answer.members().get("reason"))
        .isEqualTo(new JsonValue.JsonString("ATTESTATION_MALFORMED"));
    assertThat(answer.members()).containsKeys("receipt", "detail");
  }

  @Test
  void complete_truncatedQuote_deniesWithAttestationMalformedAuditedAndWritUnspent()
      throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);
    Tpm2Tools tools =
        new Tpm2Tools(swtpm.tcti(), Files.createDirectories(dir.resolve("raw-tpm")), TPM_TIMEOUT);
    tools.endorsementKey();
    String ek = b64(tools.endorsementCertificate().getEncoded());
    String ak = b64(tools.attestationKey(Tpm2Tools.DEFAULT_AK_HANDLE, AttestationKeyType.ECC_P256));
    JsonValue.JsonObject challenge =
        post(
            "/v1/enroll/challenge",
            "{\"ak_public\":\""
                + ak
                + "\",\"ek_chain\":[\""
                + ek
                + "\"],\"envelope\":\""
                + b64(writ)
                + "\",\"evidence_kind\":\"tpm2\",\"node\":\"web-1\"}",
            200);
    String nonce = ((JsonValue.JsonString) challenge.members().get("challenge")).value();
    String csr = b64(NodeKey.generate(new SecureRandom()).csr("web-1"));
    String body =
        "{\"challenge\":\""
            + nonce
            + "\",\"csr\":\""
            + csr
            + "\",\"envelope\":\""
            + b64(writ)
            + "\",\"evidence\":{\"activated_secret\":\"AAAA\",\"ak_public\":\""
            + ak
            + "\",\"ek_chain\":[\""
            + ek
            + "\"],\"pcrs\":[],\"quote\":\"/1RDRw==\",\"signature\":\"AAAA\"},"
            + "\"node\":\"web-1\"}";

    JsonValue.JsonObject answer = post("/v1/enroll", body, 400);

    assertThat(answer.members().get("reason"))
        .isEqualTo(new JsonValue.JsonString("ATTESTATION_MALFORMED"));
    assertThat(answer.members()).containsKeys("receipt", "detail");
    assertThat(((JsonValue.JsonString) answer.members().get("detail")).value())
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    // refused before the spend: the writ still enrolls
    assertThat(enroll("web-1", writ, Optional.empty()).posture()).isEqualTo("degraded");
  }

  @Test
  void challenge_ekChainNotACertificate_deniesWithAttestationMalformed() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);
    String body =
        "{\"ak_public\":\"AAEC\",\"ek_chain\":[\""
            + b64("not a certificate".getBytes(UTF_8))
            + "\"],\"envelope\":\""
            + b64(writ)
            + "\",\"evidence_kind\":\"tpm2\",\"node\":\"web-1\"}";

    JsonValue.JsonObject answer = post("/v1/enroll/challenge", body, 400);

    assertThat(answer.members().get("reason"))
        .isEqualTo(new JsonValue.JsonString("ATTESTATION_MALFORMED"));
    assertThat(answer.members()).containsKey("receipt");
  }

  @Test
  void complete_truncatedCsr_deniesWithCsrInvalidAndReceipt() throws Exception {
    byte[] writ = openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB);
    JsonValue.JsonObject challenge =
        post(
            "/v1/enroll/challenge",
            "{\"envelope\":\"" + b64(writ) + "\",\"evidence_kind\":\"none\",\"node\":\"web-1\"}",
            200);
    String nonce = ((JsonValue.JsonString) challenge.members().get("challenge")).value();
    byte[] csr = NodeKey.generate(new SecureRandom()).csr("web-1");
    byte[] truncated = java.util.Arrays.copyOf(csr, csr.length / 2);
    String body =
        "{\"challenge\":\""
            + nonce
            + "\",\"csr\":\""
            + b64(truncated)
            + "\",\"envelope\":\""
            + b64(writ)
            + "\",\"node\":\"web-1\"}";

    JsonValue.JsonObject answer = post("/v1/enroll", body, 400);

    assertThat(answer.members().get("reason")).isEqualTo(new JsonValue.JsonString("CSR_INVALID"));
    assertThat(answer.members()).containsKey("receipt");
  }

  @Test
  void enroll_bodyOverTheLimit_deniesWithOversizeAndReceipt() throws Exception {
    String body = "{\"node\":\"" + "a".repeat(EnrollBodies.MAX_BYTES) + "\"}";

    JsonValue.JsonObject answer = post("/v1/enroll", body, 413);

    assertThat(answer.members().get("reason")).isEqualTo(new JsonValue.JsonString("OVERSIZE"));
    assertThat(answer.members()).containsKey("receipt");
  }

  @Test
  void connect_afterRevocation_deniesWithNodeRevokedAtHandshakeAndAudits() throws Exception {
    Enroller.Enrolled e =
        enroll("web-1", openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB), Optional.empty());
    assertThat(getWithSvid(e.credentials(), "/v1/status")).isEqualTo(200);
    server.revoke(e.credentials().svid().serial().toString(16));
    long before = server.auditLog().size();

    assertThatThrownBy(() -> getWithSvid(e.credentials(), "/v1/status"))
        .hasRootCauseInstanceOf(SSLHandshakeException.class);
    assertThat(auditedReasonAfter(before)).isEqualTo("NODE_REVOKED");
  }

  @Test
  void connect_expiredSvid_deniesWithSvidInvalidAtHandshakeAndAudits() throws Exception {
    Enroller.Enrolled e =
        enroll("web-1", openAndSign("web-1", TestFleet.ALICE, TestFleet.BOB), Optional.empty());
    now.set(now.get().plus(WritServer.SVID_TTL).plusSeconds(1));
    long before = server.auditLog().size();

    assertThatThrownBy(() -> getWithSvid(e.credentials(), "/v1/status"))
        .hasRootCauseInstanceOf(SSLHandshakeException.class);
    assertThat(auditedReasonAfter(before)).isEqualTo("SVID_INVALID");
  }

  /** The reason of the first decision record appended after {@code size} (audits are async). */
  private String auditedReasonAfter(long size) throws InterruptedException {
    assertThat(server.auditLog().awaitSize(size + 1, Duration.ofSeconds(10)))
        .as("a refused handshake is audited")
        .isTrue();
    String leaf = new String(server.auditLog().entry(size), UTF_8);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"reason\":\"([A-Z_]+)\"").matcher(leaf);
    assertThat(m.find()).as(leaf).isTrue();
    return m.group(1);
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertRefused(Call call, String reason) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            EnrollException.class, ex -> assertThat(ex.reason()).contains(reason));
  }

  private static String b64(byte[] b) {
    return java.util.Base64.getEncoder().encodeToString(b);
  }

  private HttpClient client(SvidKeyManager keys) throws Exception {
    return TlsClients.withKeys(server, clock, keys);
  }

  private JsonValue.JsonObject post(String path, String body, int expectedStatus) throws Exception {
    HttpResponse<byte[]> r =
        client(SvidKeyManager.empty())
            .send(
                HttpRequest.newBuilder(tls().resolve(path))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(new String(r.body(), UTF_8)).isEqualTo(expectedStatus);
    return (JsonValue.JsonObject)
        new dev.writ.core.json.JsonReader(
                new dev.writ.core.json.JsonLimits(1 << 20, 4, 1 << 20, 64),
                dev.writ.core.json.JsonReader.Mode.INTEGERS_ONLY)
            .read(r.body());
  }

  private int getWithSvid(SvidCredentials creds, String path) throws Exception {
    return client(SvidKeyManager.of(creds))
        .send(
            HttpRequest.newBuilder(tls().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
