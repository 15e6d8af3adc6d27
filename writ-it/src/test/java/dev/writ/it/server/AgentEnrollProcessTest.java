package dev.writ.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.WritPayload;
import dev.writ.identity.Fingerprint;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.identity.tls.MtlsContexts;
import dev.writ.identity.tls.RefusalListener;
import dev.writ.identity.tls.SvidClientTrustManager;
import dev.writ.identity.tls.SvidKeyManager;
import dev.writ.identity.tpm.PcrId;
import dev.writ.identity.tpm.SwtpmProcess;
import dev.writ.identity.tpm.Tpm2Tools;
import dev.writ.identity.tpm.TpmHash;
import dev.writ.identity.tpm.TpmPrivateKey;
import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.svid.x509svid.X509SvidValidator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrollment with real processes only, as operators and a host would run it: {@code writ server}
 * from its own jar with a root made by {@code writ root init --attestation-file} that lists a
 * swtpm's local CA as a software TPM authority and requires PCR 16 to be zero; two operators' keys
 * in {@code writ key} files; {@code writ enroll open}, {@code writ sign} and {@code writ approve}
 * for the writ; and {@code writ agent enroll} on a real swtpm. Each case asserts the agent's exit
 * code, the reason it prints, and what it leaves on disk.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AgentEnrollProcessTest {
  private static final String TD = "fleet.test";
  private static final Duration TPM_TIMEOUT = Duration.ofSeconds(30);
  private static final PcrId PCR16 = new PcrId(TpmHash.SHA256, 16);

  @TempDir static Path shared;

  private static Children children;
  private static SwtpmProcess firstTpm;
  private static CliProcess writ;
  private static URI tls;
  private static Path bundleFile;
  private static TrustBundle bundle;

  @TempDir Path dir;

  private SwtpmProcess tpm;

  @BeforeAll
  static void fleetAndServer() throws Exception {
    writ = new CliProcess(shared.resolve("cli"), Map.of("WRIT_KEY_PASSWORD", "correct horse"));
    // one local CA for every swtpm of this class: the authority the root lists
    firstTpm = SwtpmProcess.start(shared.resolve("tpm0"), shared.resolve("tpm-ca"), TPM_TIMEOUT);
    for (String k : List.of("root", "alice", "bob", "sam")) {
      ok(writ.run("key", "generate", "--out", key(k)));
    }
    Path attestation =
        Files.writeString(
            shared.resolve("attestation.json"),
            """
            {"tpm_authorities": [], "tpm_software_authorities": ["%s"],
             "tpm_pcrs": ["sha256:16:%s"],
             "sev_snp_authorities": [], "sev_snp_min_tcb": [0, 0, 0, 0],
             "sev_snp_measurements": [], "tdx_authorities": [], "tdx_mrtds": []}
            """
                .formatted(Fingerprint.of(firstTpm.rootCertificate()).hex(), "00".repeat(32)));
    ok(
        writ.run(
            "root",
            "init",
            "--trust-domain",
            TD,
            "--expires",
            LocalDate.now(ZoneOffset.UTC).plusDays(30).toString(),
            "--key",
            "root=" + key("root"),
            "--key",
            "initiator=" + key("alice"),
            "--key",
            "initiator=" + key("sam"),
            "--key",
            "approver=" + key("bob"),
            "--key",
            "approver=" + key("sam"),
            "--key",
            "pauser=" + key("alice"),
            "--key",
            "auditor=" + key("alice"),
            "--attestation-file",
            attestation.toString(),
            "--out",
            shared.resolve("root.payload").toString()));
    Path root = shared.resolve("root.json");
    ok(
        writ.run(
            "root",
            "sign",
            shared.resolve("root.payload").toString(),
            "--key",
            key("root"),
            "--out",
            root.toString()));
    children = new Children(shared.resolve("logs"));
    ServerProcess server =
        children.start(
            "server",
            List.of(
                "--data",
                shared.resolve("server").toString(),
                "--root",
                root.toString(),
                "--listen",
                "127.0.0.1:0"));
    tls = URI.create("https://" + server.printed("listening https://"));
    bundleFile = Path.of(server.printed("bundle "));
    bundle = TrustBundle.parse(new TrustDomain(TD), Files.readAllBytes(bundleFile));
  }

  @AfterAll
  static void stopAll() {
    if (children != null) {
      children.close();
    }
    if (firstTpm != null) {
      firstTpm.close();
    }
  }

  @AfterEach
  void stopTpm() {
    if (tpm != null) {
      tpm.close();
    }
  }

  private static String key(String name) {
    return shared.resolve(name + ".key").toString();
  }

  private static CliProcess.Result ok(CliProcess.Result r) {
    assertThat(r.code()).as(r.output()).isZero();
    return r;
  }

  /** A fresh swtpm of this class's CA, manufactured now (so its EK certificate is valid now). */
  private SwtpmProcess newTpm() throws Exception {
    tpm = SwtpmProcess.start(dir.resolve("tpm"), shared.resolve("tpm-ca"), TPM_TIMEOUT);
    return tpm;
  }

  private Path ekCa(SwtpmProcess t) throws Exception {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : t.caCertificates()) {
      pem.append(pem(c));
    }
    return Files.writeString(dir.resolve("ek-ca.pem"), pem);
  }

  private static String pem(X509Certificate c) throws CertificateEncodingException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  /**
   * {@code writ enroll open} for {@code host}, then {@code writ sign} by {@code initiator} and,
   * unless null, {@code writ approve} by {@code approver}; returns the writ file.
   */
  private Path openSignApprove(String host, String initiator, String approver) throws Exception {
    Path payload = dir.resolve(host + ".payload");
    ok(
        writ.run(
            "enroll",
            "open",
            "--server",
            tls.toString(),
            "--bundle",
            bundleFile.toString(),
            "--host",
            host,
            "-o",
            payload.toString()));
    WritPayload p = WritPayload.parse(Files.readAllBytes(payload));
    SpiffeId node = new SpiffeId(TD, "/node/" + host);
    assertThat(p.cap()).isEqualTo(Capability.ENROLL);
    assertThat(p.targets().orElseThrow().glob().toString()).isEqualTo(node.toString());
    assertThat(p.targets().orElseThrow().setHash()).isEqualTo(TargetSet.of(List.of(node)).hash());
    Path w = dir.resolve(host + ".writ");
    ok(writ.run("sign", payload.toString(), "--key", key(initiator), "--out", w.toString()));
    if (approver != null) {
      ok(writ.run("approve", w.toString(), "--key", key(approver)));
    }
    return w;
  }

  private CliProcess.Result agent(String name, Path writFile, Path data, String... extra)
      throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "agent",
                "enroll",
                "--server",
                tls.toString(),
                "--bundle",
                bundleFile.toString(),
                "--writ",
                writFile.toString(),
                "--name",
                name,
                "--data",
                data.toString()));
    args.addAll(List.of(extra));
    return writ.run(args.toArray(String[]::new));
  }

  private String[] tpmOptions(SwtpmProcess t) throws Exception {
    return new String[] {"--tpm", t.tcti(), "--ek-ca", ekCa(t).toString()};
  }

  @Test
  void enroll_twoOperatorsAndSwtpm_attestedSoftwareSvidThatValidatesAndConnects() throws Exception {
    Path w = openSignApprove("web-1", "alice", "bob");
    SwtpmProcess t = newTpm();
    Path data = dir.resolve("agent");

    CliProcess.Result r =
        agent("web-1", w, data, concat(tpmOptions(t), "--advisory", "serial=SN-1"));

    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.out())
        .contains("enrolled spiffe://fleet.test/node/web-1")
        .contains("posture attested-software")
        .containsPattern("svid serial [0-9a-f]+ expires ")
        .doesNotContain("degraded");
    Path svidFile = data.resolve("svid.pem");
    assertThat(Files.getPosixFilePermissions(svidFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    // the key was made inside the TPM and stayed there: the file holds certificates only
    String text = Files.readString(svidFile);
    assertThat(text).contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
    assertThat(r.out()).contains("the key stays in the TPM at 0x81010200");
    assertThatThrownBy(() -> SvidPem.load(svidFile, bundle, Instant.now()))
        .isInstanceOf(SvidException.class);
    TpmPrivateKey key = tpmKey(t, Tpm2Tools.NODE_KEY_HANDLES.get(0));
    SvidCredentials creds = SvidPem.load(svidFile, bundle, Instant.now(), leaf -> Optional.of(key));
    assertThat(creds.svid().id()).isEqualTo(new SpiffeId(TD, "/node/web-1"));
    assertThat(creds.svid().publicKey().getEncoded()).isEqualTo(key.publicKey().getEncoded());
    assertThat(r.out()).contains("svid serial " + creds.svid().serial().toString(16) + " ");
    TrustBundle stored =
        TrustBundle.parse(new TrustDomain(TD), Files.readAllBytes(data.resolve("bundle.pem")));
    assertThat(stored.authorities()).isEqualTo(bundle.authorities());
    assertThat(Files.readString(data.resolve("receipt.json"))).contains("\"checkpoint\"");
    // the SPIFFE project's own library validates the chain the agent wrote
    X509SvidValidator.verifyChain(
        SvidPem.certificates(text.getBytes(StandardCharsets.US_ASCII)),
        X509Bundle.load(io.spiffe.spiffeid.TrustDomain.parse(TD), data.resolve("bundle.pem")));
    // registered: the server's per-handshake registry check lets this SVID in
    assertThat(getWithSvid(creds, "/v1/status")).isEqualTo(200);
  }

  @Test
  void renew_keyInTpm_newSvidAndKeyFromTheSameTpm_alternatingHandles() throws Exception {
    Path w = openSignApprove("web-7", "alice", "bob");
    SwtpmProcess t = newTpm();
    Path data = dir.resolve("agent");
    ok(agent("web-7", w, data, tpmOptions(t)));
    TpmPrivateKey first = tpmKey(t, Tpm2Tools.NODE_KEY_HANDLES.get(0));
    SvidCredentials enrolled =
        SvidPem.load(data.resolve("svid.pem"), bundle, Instant.now(), leaf -> Optional.of(first));

    CliProcess.Result r = renew(data, tpmOptions(t));

    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.out())
        .contains("renewed spiffe://fleet.test/node/web-7")
        .contains("posture attested-software")
        .contains("the key stays in the TPM at 0x81010201");
    TpmPrivateKey second = tpmKey(t, Tpm2Tools.NODE_KEY_HANDLES.get(1));
    SvidCredentials renewed =
        SvidPem.load(data.resolve("svid.pem"), bundle, Instant.now(), leaf -> Optional.of(second));
    assertThat(renewed.svid().id()).isEqualTo(enrolled.svid().id());
    assertThat(renewed.svid().serial()).isNotEqualTo(enrolled.svid().serial());
    assertThat(Files.readString(data.resolve("svid.pem"))).doesNotContain("PRIVATE KEY");
    // the enrolled key was left in place while the new one was made
    assertThat(tpmKey(t, Tpm2Tools.NODE_KEY_HANDLES.get(0)).publicKey().getEncoded())
        .isEqualTo(first.publicKey().getEncoded());
    assertThat(getWithSvid(renewed, "/v1/status")).isEqualTo(200);

    // the next renewal goes back to the first handle, replacing the key no SVID uses any more
    CliProcess.Result again = renew(data, tpmOptions(t));
    assertThat(again.code()).as(again.output()).isZero();
    assertThat(again.out()).contains("the key stays in the TPM at 0x81010200");
    assertThat(tpmKey(t, Tpm2Tools.NODE_KEY_HANDLES.get(0)).publicKey().getEncoded())
        .isNotEqualTo(first.publicKey().getEncoded());
    assertThat(tpmKey(t, Tpm2Tools.NODE_KEY_HANDLES.get(1)).publicKey().getEncoded())
        .isEqualTo(second.publicKey().getEncoded());
  }

  @Test
  void renew_keyInTpmButNoTpmGiven_localErrorThatSaysWhatToGive() throws Exception {
    Path w = openSignApprove("web-8", "alice", "bob");
    SwtpmProcess t = newTpm();
    Path data = dir.resolve("agent");
    ok(agent("web-8", w, data, tpmOptions(t)));
    String before = Files.readString(data.resolve("svid.pem"));

    CliProcess.Result r = renew(data);

    assertThat(r.code()).as(r.output()).isEqualTo(2);
    assertThat(r.err())
        .contains("KEY_MALFORMED")
        .contains("give --tpm and --ek-ca")
        .doesNotContain("\tat ");
    assertThat(Files.readString(data.resolve("svid.pem"))).isEqualTo(before);
  }

  @Test
  void renew_degradedNodeWithoutQuote_refusedWithPostureInsufficient() throws Exception {
    Path w = openSignApprove("edge-2", "alice", "bob");
    Path data = dir.resolve("agent");
    ok(agent("edge-2", w, data));
    String before = Files.readString(data.resolve("svid.pem"));
    assertThat(before).contains("PRIVATE KEY"); // no TPM: the key is in the file

    CliProcess.Result r = renew(data);

    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.err()).contains("POSTURE_INSUFFICIENT");
    assertThat(Files.readString(data.resolve("svid.pem"))).isEqualTo(before);
  }

  @Test
  void enroll_withoutTpm_enrolledDegradedAndSaysSo() throws Exception {
    Path w = openSignApprove("edge-1", "alice", "bob");
    Path data = dir.resolve("agent");

    CliProcess.Result r = agent("edge-1", w, data);

    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.out())
        .contains("posture degraded")
        .contains("degraded: enrolled without hardware evidence (no --tpm)");
    assertThat(data.resolve("svid.pem")).isRegularFile();
  }

  @Test
  void enroll_oneKeyInBothRoles_refusedWithSeparationOfDuties() throws Exception {
    Path w = openSignApprove("web-2", "sam", null);
    Path data = dir.resolve("agent");

    CliProcess.Result r = agent("web-2", w, data);

    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.err()).contains("SEPARATION_OF_DUTIES").doesNotContain("\tat ");
    assertThat(data.resolve("svid.pem")).doesNotExist();
  }

  @Test
  void enroll_replayedWrit_refusedWithSpent() throws Exception {
    Path w = openSignApprove("web-3", "alice", "bob");
    ok(agent("web-3", w, dir.resolve("first")));

    CliProcess.Result r = agent("web-3", w, dir.resolve("second"));

    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.err()).contains("SPENT");
    assertThat(dir.resolve("second").resolve("svid.pem")).doesNotExist();
  }

  @Test
  void enroll_writForAnotherHost_refusedWithIdentityMismatch_thenTheRightHostEnrolls()
      throws Exception {
    Path w = openSignApprove("web-4", "alice", "bob");

    CliProcess.Result r = agent("web-5", w, dir.resolve("wrong"));

    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.err()).contains("IDENTITY_MISMATCH");
    assertThat(dir.resolve("wrong").resolve("svid.pem")).doesNotExist();
    // the refusal spent nothing: the host the writ names still enrolls with it
    CliProcess.Result right = agent("web-4", w, dir.resolve("right"));
    assertThat(right.code()).as(right.output()).isZero();
    assertThat(right.out()).contains("enrolled spiffe://fleet.test/node/web-4");
  }

  @Test
  void enroll_pcr16Extended_refusedWithPcrMismatch_writStaysUnspent() throws Exception {
    Path w = openSignApprove("web-6", "alice", "bob");
    SwtpmProcess t = newTpm();
    new Tpm2Tools(t.tcti(), Files.createDirectories(dir.resolve("extend")), TPM_TIMEOUT)
        .extendPcr(PCR16, new byte[32]);

    CliProcess.Result r = agent("web-6", w, dir.resolve("agent"), tpmOptions(t));

    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.err()).contains("PCR_MISMATCH");
    assertThat(dir.resolve("agent").resolve("svid.pem")).doesNotExist();
    CliProcess.Result degraded = agent("web-6", w, dir.resolve("again"));
    assertThat(degraded.code()).as(degraded.output()).isZero();
    assertThat(degraded.out()).contains("posture degraded");
  }

  private CliProcess.Result renew(Path data, String... extra) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("agent", "renew", "--server", tls.toString(), "--data", data.toString()));
    args.addAll(List.of(extra));
    return writ.run(args.toArray(String[]::new));
  }

  /** The node key at {@code handle} of {@code t}, read through a tpm2-tools folder of this test. */
  private TpmPrivateKey tpmKey(SwtpmProcess t, int handle) throws Exception {
    Path work = Files.createDirectories(dir.resolve("tpm-read-" + System.nanoTime()));
    return TpmPrivateKey.at(new Tpm2Tools(t.tcti(), work, TPM_TIMEOUT), handle).orElseThrow();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private int getWithSvid(SvidCredentials creds, String path) throws Exception {
    try (HttpClient http =
        HttpClient.newBuilder()
            .sslContext(
                MtlsContexts.client(
                    SvidKeyManager.of(creds),
                    new SvidClientTrustManager(
                        () -> bundle,
                        Clock.systemUTC(),
                        new SpiffeId(TD, "/writ/server"),
                        RefusalListener.NONE),
                    new SecureRandom()))
            .sslParameters(MtlsContexts.clientParameters())
            .connectTimeout(Duration.ofSeconds(30))
            .version(HttpClient.Version.HTTP_1_1)
            .build()) {
      return http.send(
              HttpRequest.newBuilder(tls.resolve(path))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
