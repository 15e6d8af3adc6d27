package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.WritPayload;
import dev.writ.identity.svid.TrustDomain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ enroll open} and {@code writ agent enroll} against a TLS stand-in for the server:
 * what they send, the payload they write, how they treat answers that do not hold, and their exit
 * codes. The real server and a real TPM are in writ-it ({@code AgentEnrollProcessTest}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EnrollCommandsTest {
  private static final TrustDomain TD = new TrustDomain("fleet.test");
  private static final SpiffeId SERVER = new SpiffeId("fleet.test", "/writ/server");
  private static final SpiffeId WEB1 = new SpiffeId("fleet.test", "/node/web-1");
  private static final String ID = "0123456789abcdef0123456789abcdef";

  /** The server certificate is issued at the real time; the CLI checks it at this clock. */
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<FakeEnrollServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(FakeEnrollServer::close);
  }

  private FakeEnrollServer server(SpiffeId presented) throws Exception {
    FakeEnrollServer s = FakeEnrollServer.start(dir.resolve("ca-" + servers.size()), TD, presented);
    servers.add(s);
    return s;
  }

  private int writ(String... args) {
    out.reset();
    err.reset();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            Clock.fixed(now, ZoneOffset.UTC),
            new SecureRandom());
    return WritCli.run(env, args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  private static String opened(SpiffeId node, String setHash, Instant expires) {
    return "{\"expires\":"
        + expires.getEpochSecond()
        + ",\"id\":\""
        + ID
        + "\",\"node\":\""
        + node
        + "\",\"set_hash\":\""
        + setHash
        + "\"}";
  }

  private static String hashOf(SpiffeId node) {
    return TargetSet.of(List.of(node)).hash().toString();
  }

  private int open(FakeEnrollServer s, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "enroll",
                "open",
                "--server",
                s.url(),
                "--bundle",
                s.writeBundle(dir.resolve("bundle.pem")).toString(),
                "--host",
                "web-1",
                "-o",
                p("payload.json")));
    args.addAll(List.of(extra));
    return writ(args.toArray(String[]::new));
  }

  @Test
  void enrollOpen_answerForTheNode_writesTheUnsignedPayloadOfSection31() throws Exception {
    FakeEnrollServer s = server(SERVER);
    s.answer("/v1/enroll/open", 200, opened(WEB1, hashOf(WEB1), now.plus(Duration.ofHours(1))));

    assertThat(open(s)).as(err()).isZero();

    assertThat(s.seen())
        .containsExactly(new FakeEnrollServer.Seen("/v1/enroll/open", "{\"node\":\"web-1\"}"));
    byte[] bytes = Files.readAllBytes(dir.resolve("payload.json"));
    WritPayload payload = WritPayload.parse(bytes);
    assertThat(payload.toCanonicalBytes()).isEqualTo(bytes);
    assertThat(payload.cap()).isEqualTo(Capability.ENROLL);
    assertThat(payload.id().hex()).isEqualTo(ID);
    WritPayload.Targets targets = payload.targets().orElseThrow();
    assertThat(targets.glob().toString()).isEqualTo(WEB1.toString());
    assertThat(targets.glob().matches(WEB1)).isTrue();
    assertThat(targets.setHash()).isEqualTo(TargetSet.of(List.of(WEB1)).hash());
    assertThat(payload.iat()).isEqualTo(now);
    assertThat(payload.nbf()).isEqualTo(now);
    assertThat(payload.exp()).isEqualTo(now.plus(Duration.ofMinutes(10)));
    assertThat(payload.content()).isEmpty();
    assertThat(payload.ticket()).isEmpty();
    assertThat(err()).contains("writ sign").contains("writ approve");
  }

  @Test
  void enrollOpen_ttlPastTheEnrollmentsExpiry_expIsTheExpiry() throws Exception {
    FakeEnrollServer s = server(SERVER);
    Instant expires = now.plus(Duration.ofMinutes(5));
    s.answer("/v1/enroll/open", 200, opened(WEB1, hashOf(WEB1), expires));

    assertThat(open(s, "--ttl", "1h")).as(err()).isZero();

    assertThat(WritPayload.parse(Files.readAllBytes(dir.resolve("payload.json"))).exp())
        .isEqualTo(expires);
  }

  @Test
  void enrollOpen_answerForAnotherNode_refusedAndNothingWritten() throws Exception {
    FakeEnrollServer s = server(SERVER);
    SpiffeId other = new SpiffeId("fleet.test", "/node/web-2");
    s.answer("/v1/enroll/open", 200, opened(other, hashOf(other), now.plus(Duration.ofHours(1))));

    assertThat(open(s)).isEqualTo(2);

    assertThat(err()).contains("opened an enrollment for " + other + ", not for " + WEB1);
    assertThat(dir.resolve("payload.json")).doesNotExist();
  }

  @Test
  void enrollOpen_setHashOfAnotherSet_refusedAndNothingWritten() throws Exception {
    FakeEnrollServer s = server(SERVER);
    SpiffeId other = new SpiffeId("fleet.test", "/node/web-2");
    s.answer(
        "/v1/enroll/open",
        200,
        opened(
            WEB1,
            TargetSet.of(List.of(WEB1, other)).hash().toString(),
            now.plus(Duration.ofHours(1))));

    assertThat(open(s)).isEqualTo(2);

    assertThat(err()).contains("set_hash is not the hash of {" + WEB1 + "}");
    assertThat(dir.resolve("payload.json")).doesNotExist();
  }

  @Test
  void enrollOpen_alreadyExpired_refused() throws Exception {
    FakeEnrollServer s = server(SERVER);
    s.answer("/v1/enroll/open", 200, opened(WEB1, hashOf(WEB1), now));

    assertThat(open(s)).isEqualTo(2);

    assertThat(err()).contains("expired");
    assertThat(dir.resolve("payload.json")).doesNotExist();
  }

  @Test
  void enrollOpen_serverOverloaded_exitsThreeRetryLater() throws Exception {
    FakeEnrollServer s = server(SERVER);
    s.answer("/v1/enroll/open", 503, "{\"decision\":\"deny\",\"reason\":\"OVERLOADED\"}");

    assertThat(open(s)).isEqualTo(3);

    assertThat(err()).contains("OVERLOADED").contains("retry later");
  }

  @Test
  void enrollOpen_serverRefuses_exitsOneWithReasonAndDetail() throws Exception {
    FakeEnrollServer s = server(SERVER);
    s.answer(
        "/v1/enroll/open",
        400,
        "{\"decision\":\"deny\",\"detail\":\"node must match x\",\"reason\":\"MALFORMED\"}");

    assertThat(open(s)).isEqualTo(1);

    assertThat(err()).contains("MALFORMED: node must match x");
  }

  @Test
  void enrollOpen_serverPresentsANodeIdentity_refusedAtTheHandshake() throws Exception {
    FakeEnrollServer s = server(WEB1);
    s.answer("/v1/enroll/open", 200, opened(WEB1, hashOf(WEB1), now.plus(Duration.ofHours(1))));

    assertThat(open(s)).isEqualTo(2);

    assertThat(err()).contains("cannot reach");
    assertThat(s.seen()).isEmpty();
    assertThat(dir.resolve("payload.json")).doesNotExist();
  }

  @Test
  void enrollOpen_serverOfAnotherCa_refusedAtTheHandshake() throws Exception {
    FakeEnrollServer real = server(SERVER);
    FakeEnrollServer impostor = server(SERVER);
    impostor.answer(
        "/v1/enroll/open", 200, opened(WEB1, hashOf(WEB1), now.plus(Duration.ofHours(1))));

    int code =
        writ(
            "enroll",
            "open",
            "--server",
            impostor.url(),
            "--bundle",
            real.writeBundle(dir.resolve("real-bundle.pem")).toString(),
            "--host",
            "web-1",
            "-o",
            p("payload.json"));

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("cannot reach");
    assertThat(impostor.seen()).isEmpty();
  }

  @Test
  void enrollOpen_plainHttpUrl_usageError() throws Exception {
    FakeEnrollServer s = server(SERVER);
    String bundle = s.writeBundle(dir.resolve("bundle.pem")).toString();

    assertThat(
            writ(
                "enroll",
                "open",
                "--server",
                "http://127.0.0.1:7300",
                "--bundle",
                bundle,
                "--host",
                "web-1",
                "-o",
                p("payload.json")))
        .isEqualTo(2);
    assertThat(err()).contains("must be an https://HOST:PORT URL");
  }

  @Test
  void enrollOpen_bundleNotPemOrEmpty_usageError() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a bundle");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");

    assertThat(openWith(garbage, "web-1", "10m")).isEqualTo(2);
    assertThat(err()).contains("is not a trust bundle");
    assertThat(openWith(empty, "web-1", "10m")).isEqualTo(2);
    assertThat(err()).contains("holds no CA certificate");
  }

  @Test
  void enrollOpen_badHostOrTtl_usageErrorBeforeAnyRequest() throws Exception {
    FakeEnrollServer s = server(SERVER);
    Path bundle = s.writeBundle(dir.resolve("bundle.pem"));

    assertThat(openWith(bundle, "Web_1", "10m", s.url())).isEqualTo(2);
    assertThat(err()).contains("--host must be a node name");
    assertThat(openWith(bundle, "web-1", "forever", s.url())).isEqualTo(2);
    assertThat(err()).contains("ttl must look like");
    assertThat(s.seen()).isEmpty();
  }

  @Test
  void enrollOpen_unreachable_usageError() throws Exception {
    FakeEnrollServer s = server(SERVER);
    Path bundle = s.writeBundle(dir.resolve("bundle.pem"));

    assertThat(openWith(bundle, "web-1", "10m", "https://127.0.0.1:1")).isEqualTo(2);
    assertThat(err()).contains("cannot reach");
  }

  private int openWith(Path bundle, String host, String ttl) {
    return openWith(bundle, host, ttl, "https://127.0.0.1:1");
  }

  private int openWith(Path bundle, String host, String ttl, String url) {
    return writ(
        "enroll",
        "open",
        "--server",
        url,
        "--bundle",
        bundle.toString(),
        "--host",
        host,
        "--ttl",
        ttl,
        "-o",
        p("payload.json"));
  }

  private int agent(FakeEnrollServer s, String... extra) throws Exception {
    Path writ = Files.writeString(dir.resolve("writ.json"), "{}");
    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                "enroll",
                "--server",
                s.url(),
                "--bundle",
                s.writeBundle(dir.resolve("bundle.pem")).toString(),
                "--writ",
                writ.toString(),
                "--name",
                "web-1",
                "--data",
                p("agent")));
    args.addAll(List.of(extra));
    return writ(args.toArray(String[]::new));
  }

  @Test
  void agentEnroll_refusedAtChallenge_exitsOneWithReasonAndDetailAndWritesNothing()
      throws Exception {
    FakeEnrollServer s = server(SERVER);
    s.answer(
        "/v1/enroll/challenge",
        403,
        "{\"decision\":\"deny\",\"detail\":\"writ already spent\",\"reason\":\"SPENT\"}");

    assertThat(agent(s)).isEqualTo(1);

    assertThat(err()).contains("SPENT").contains("writ already spent");
    assertThat(s.seen())
        .extracting(FakeEnrollServer.Seen::path)
        .containsExactly("/v1/enroll/challenge");
    assertThat(s.seen().getFirst().body()).contains("\"evidence_kind\":\"none\"");
    assertThat(dir.resolve("agent/svid.pem")).doesNotExist();
  }

  @Test
  void agentEnroll_serverRateLimited_exitsThreeRetryLater() throws Exception {
    FakeEnrollServer s = server(SERVER);
    s.answer("/v1/enroll/challenge", 429, "{\"decision\":\"deny\",\"reason\":\"RATE_LIMITED\"}");

    assertThat(agent(s)).isEqualTo(3);

    assertThat(err()).contains("RATE_LIMITED").contains("retry later");
  }

  @Test
  void agentEnroll_advisoryFactsAreSentAsGiven() throws Exception {
    FakeEnrollServer s = server(SERVER);
    s.answer("/v1/enroll/challenge", 200, "{\"challenge\":\"AAAA\",\"expires\":1}");
    s.answer("/v1/enroll", 403, "{\"decision\":\"deny\",\"reason\":\"STALE_NONCE\"}");

    assertThat(agent(s, "--advisory", "mac=02:00:00:00:00:01,serial=ABC 123")).isEqualTo(1);

    assertThat(s.seen().getLast().path()).isEqualTo("/v1/enroll");
    assertThat(s.seen().getLast().body())
        .contains("\"advisory\":{\"mac\":\"02:00:00:00:00:01\",\"serial\":\"ABC 123\"}");
    assertThat(err()).contains("STALE_NONCE");
  }

  @Test
  void agentEnroll_badOptions_usageErrorBeforeAnyRequest() throws Exception {
    FakeEnrollServer s = server(SERVER);

    assertThat(agent(s, "--tpm", "swtpm:host=127.0.0.1,port=1")).isEqualTo(2);
    assertThat(err()).contains("--tpm needs --ek-ca");
    assertThat(agent(s, "--ek-ca", p("ca.pem"))).isEqualTo(2);
    assertThat(err()).contains("--ek-ca is for --tpm");
    assertThat(agent(s, "--advisory", "owner=eve")).isEqualTo(2);
    assertThat(err()).contains("--advisory knows mac, serial and gpu_uuid");
    assertThat(agent(s, "--advisory", "serial=" + "x".repeat(129))).isEqualTo(2);
    assertThat(err()).contains("at most 128 printable ASCII");
    assertThat(s.seen()).isEmpty();
  }

  @Test
  void agentEnroll_ekCaNotCertificates_usageError() throws Exception {
    FakeEnrollServer s = server(SERVER);
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not PEM");

    assertThat(agent(s, "--tpm", "swtpm:host=127.0.0.1,port=1", "--ek-ca", ca.toString()))
        .isEqualTo(2);
    assertThat(err()).contains(ca.toString()).doesNotContain("\tat ");
    assertThat(s.seen()).isEmpty();
  }

  @Test
  void agentEnroll_unreachable_usageErrorWithoutStackTrace() throws Exception {
    FakeEnrollServer s = server(SERVER);
    Path writ = Files.writeString(dir.resolve("writ.json"), "{}");

    int code =
        writ(
            "agent",
            "enroll",
            "--server",
            "https://127.0.0.1:1",
            "--bundle",
            s.writeBundle(dir.resolve("bundle.pem")).toString(),
            "--writ",
            writ.toString(),
            "--name",
            "web-1",
            "--data",
            p("agent"));

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("cannot reach").doesNotContain("\tat ");
  }

  @Test
  void help_listsEnrollAndAgent_andSubcommandHelpAnswers() {
    assertThat(writ("--help")).isZero();
    assertThat(out()).contains("enroll").contains("agent");
    assertThat(writ("enroll", "open", "--help")).isZero();
    assertThat(out()).contains("--bundle").contains("--ttl").contains("Exit status");
    assertThat(writ("agent", "enroll", "--help")).isZero();
    assertThat(out()).contains("--tpm").contains("--ek-ca").contains("degraded");
    assertThat(writ("agent", "renew", "--help")).isZero();
    assertThat(out()).contains("--data").contains("--tpm").contains("no quote, no renewal");
  }

  @Test
  void agentRenew_badOptionsOrMissingFiles_usageErrorBeforeAnyRequest() throws Exception {
    FakeEnrollServer s = server(SERVER);
    Path data = Files.createDirectories(dir.resolve("renew"));

    assertThat(
            writ("agent", "renew", "--server", s.url(), "--data", data.toString(), "--tpm", "x:y"))
        .isEqualTo(2);
    assertThat(err()).contains("--tpm needs --ek-ca");
    assertThat(writ("agent", "renew", "--server", s.url(), "--data", data.toString())).isEqualTo(2);
    assertThat(err()).contains(data.resolve("bundle.pem").toString()).doesNotContain("\tat ");
    s.writeBundle(data.resolve("bundle.pem"));
    assertThat(writ("agent", "renew", "--server", s.url(), "--data", data.toString())).isEqualTo(2);
    assertThat(err()).contains("cannot read " + data.resolve("svid.pem")).doesNotContain("\tat ");
    assertThat(
            writ(
                "agent",
                "renew",
                "--server",
                s.url().replace("https:", "http:"),
                "--data",
                data.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("no plaintext listener");
    assertThat(s.seen()).isEmpty();
  }
}
