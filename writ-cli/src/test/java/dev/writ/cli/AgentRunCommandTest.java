package dev.writ.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.ContentId;
import dev.writ.core.Envelope;
import dev.writ.core.SpiffeId;
import dev.writ.core.WorkResult;
import dev.writ.core.WritPayload;
import dev.writ.core.json.CanonicalJson;
import dev.writ.core.json.JsonLimits;
import dev.writ.core.json.JsonReader;
import dev.writ.core.json.JsonValue;
import dev.writ.core.json.JsonValue.JsonArray;
import dev.writ.core.json.JsonValue.JsonObject;
import dev.writ.core.json.JsonValue.JsonString;
import dev.writ.identity.svid.Csr;
import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.ResultSignature;
import dev.writ.identity.svid.SpiffeCa;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.TrustDomain;
import dev.writ.log.AppendOnlyLog;
import dev.writ.log.Checkpoint;
import dev.writ.log.LogKeySigner;
import dev.writ.log.Receipt;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ agent run}: its usage errors (exit 2 before any request, no stack trace), its help,
 * and one whole run against a TLS stand-in for the agent routes: a dual-signed deploy writ made
 * with the {@code writ} commands, a real receipt of a signed log, the content served; the command
 * installs it, posts a result signed by the node's key and stops after {@code --exit-after 1}. The
 * loop's own cases are in writ-agent's {@code AgentRunnerTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentRunCommandTest {
  private static final TrustDomain TD = new TrustDomain("fleet.test");
  private static final SpiffeId SERVER = new SpiffeId("fleet.test", "/writ/server");
  private static final SpiffeId WEB1 = new SpiffeId("fleet.test", "/node/web-1");
  private static final String ORIGIN = "fleet.test/log";
  private static final byte[] CONTENT = "hello, writ\n".getBytes(UTF_8);
  private static final JsonReader READER =
      new JsonReader(new JsonLimits(1 << 16, 4, 1 << 16, 16), JsonReader.Mode.INTEGERS_ONLY);

  /** The server certificate is issued at the real time; the CLI checks it at this clock. */
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private final SecureRandom random = new SecureRandom();
  private final LogKeySigner logKey = LogKeySigner.generate(ORIGIN, random);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir Path dir;

  private FakeEnrollServer server;
  private SvidCredentials node;
  private Path data;

  @BeforeEach
  void start() throws Exception {
    server = FakeEnrollServer.start(dir.resolve("ca"), TD, SERVER);
    SpiffeCa ca = SpiffeCa.loadOrCreate(dir.resolve("ca"), TD, Clock.systemUTC(), random);
    NodeKey key = NodeKey.generate(random);
    node =
        SvidCredentials.of(
            ca.issue(Csr.parse(key.csr("web-1")), WEB1, Duration.ofHours(1)), key.privateKey());
    // what 'writ agent enroll' leaves in the agent's folder
    data = Files.createDirectories(dir.resolve("agent"));
    server.writeBundle(data.resolve("bundle.pem"));
    SvidPem.write(data.resolve("svid.pem"), node);
    Files.writeString(data.resolve("posture"), "attested\n");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int writ(String... args) {
    out.reset();
    err.reset();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8),
            Map.of("WRIT_KEY_PASSWORD", "correct horse"),
            Clock.fixed(now, ZoneOffset.UTC),
            random);
    return WritCli.run(env, args);
  }

  private String out() {
    return out.toString(UTF_8);
  }

  private String err() {
    return err.toString(UTF_8);
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  /** A root of fleet.test: initiator alice, approver bob (deploy needs both). */
  private void root() {
    assertThat(writ("key", "generate", "--out", p("root.key"))).as(err()).isZero();
    assertThat(writ("key", "generate", "--out", p("alice.key"))).as(err()).isZero();
    assertThat(writ("key", "generate", "--out", p("bob.key"))).as(err()).isZero();
    assertThat(
            writ(
                "root",
                "init",
                "--trust-domain",
                "fleet.test",
                "--expires",
                "2036-01-01",
                "--key",
                "root=" + p("root.key"),
                "--key",
                "initiator=" + p("alice.key"),
                "--key",
                "approver=" + p("bob.key"),
                "--key",
                "pauser=" + p("alice.key"),
                "--key",
                "auditor=" + p("bob.key"),
                "--out",
                p("root.payload.json")))
        .as(err())
        .isZero();
    assertThat(
            writ(
                "root",
                "sign",
                p("root.payload.json"),
                "--key",
                p("root.key"),
                "--out",
                p("root.json")))
        .as(err())
        .isZero();
  }

  /** A deploy of {@link #CONTENT} to web-1 and web-2, signed by alice and approved by bob. */
  private byte[] deployWrit() throws Exception {
    Files.writeString(
        dir.resolve("req.yaml"),
        """
        cap: deploy
        targets:
          glob: spiffe://fleet.test/node/web-*
          ids: [spiffe://fleet.test/node/web-1, spiffe://fleet.test/node/web-2]
        content: %s
        rollout: r1
        ttl: 10m
        """
            .formatted(ContentId.of(CONTENT)));
    assertThat(writ("request", p("req.yaml"), "--out", p("payload.json"))).as(err()).isZero();
    assertThat(writ("sign", p("payload.json"), "--key", p("alice.key"), "--out", p("writ.json")))
        .as(err())
        .isZero();
    assertThat(writ("approve", p("writ.json"), "--key", p("bob.key"))).as(err()).isZero();
    return Files.readAllBytes(dir.resolve("writ.json"));
  }

  /** The work event of docs/spec/work.md section 4, with the receipt of its allow leaf. */
  private static String workEvent(WritPayload writ, byte[] envelope, String receipt)
      throws Exception {
    Map<String, JsonValue> m = new TreeMap<>();
    m.put("cap", new JsonString("deploy"));
    m.put("content", new JsonString(ContentId.of(CONTENT).toString()));
    m.put("envelope", new JsonString(Base64.getEncoder().encodeToString(envelope)));
    m.put("id", new JsonString(writ.id().hex()));
    m.put("receipt", READER.read(receipt.getBytes(UTF_8)));
    m.put(
        "targets",
        new JsonArray(
            List.of(
                new JsonString("spiffe://fleet.test/node/web-1"),
                new JsonString("spiffe://fleet.test/node/web-2"))));
    return "event: work\ndata: "
        + new String(CanonicalJson.write(new JsonObject(m)), UTF_8)
        + "\n\n";
  }

  @Test
  void agentRun_deliveredDeploy_installsPostsASignedResultAndStopsAfterOne() throws Exception {
    root();
    byte[] envelope = deployWrit();
    WritPayload writ = WritPayload.parse(Envelope.parse(envelope).payload());
    // the server's log: the allow leaf of this writ (log.md section 10), signed
    AppendOnlyLog log = new AppendOnlyLog();
    log.append(
        ("{\"cap\":\"deploy\",\"decision\":\"allow\",\"envelope_sha256\":\""
                + ContentId.of(envelope).hex()
                + "\",\"id\":\""
                + writ.id().hex()
                + "\",\"index\":0,\"time\":"
                + now.getEpochSecond()
                + ",\"v\":1}")
            .getBytes(UTF_8));
    byte[] note = logKey.sign(Checkpoint.of(ORIGIN, 1, log.root(1), List.of()).format());
    String receipt =
        new String(Receipt.encode(note, log.inclusionProof(0, 1), 0, log.entry(0)), UTF_8);
    byte[] stream =
        ("event: ping\ndata: "
                + new String(
                    CanonicalJson.write(
                        new JsonObject(
                            Map.of("checkpoint", new JsonString(new String(note, UTF_8))))),
                    UTF_8)
                + "\n\n"
                + workEvent(writ, envelope, receipt))
            .getBytes(UTF_8);
    server
        .handle(
            "/v1/agent/work",
            exchange -> {
              exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
              exchange.sendResponseHeaders(200, 0);
              try (OutputStream o = exchange.getResponseBody()) {
                o.write(stream);
              }
            })
        .handle(
            "/v1/content/",
            exchange -> {
              exchange.sendResponseHeaders(200, CONTENT.length);
              try (OutputStream o = exchange.getResponseBody()) {
                o.write(CONTENT);
              }
            })
        .answer("/v1/agent/results", 200, "{\"index\":1,\"receipt\":{}}");

    int code =
        writ(
            "agent",
            "run",
            "--data",
            data.toString(),
            "--server",
            server.url(),
            "--root",
            p("root.json"),
            "--log-key",
            logKey.verifierKey().toString(),
            "--exit-after",
            "1");

    assertThat(code).as(out() + err()).isZero();
    String hex = ContentId.of(CONTENT).hex();
    assertThat(out())
        .contains("acting on " + writ.id().hex() + " (deploy)")
        .contains("installed " + ContentId.of(CONTENT) + " at ")
        .contains("result " + writ.id().hex() + " done recorded, leaf 1")
        .contains("stopped after 1 recorded result");
    assertThat(data.resolve("content/sha256").resolve(hex.substring(0, 2)).resolve(hex))
        .hasBinaryContent(CONTENT);
    assertThat(Files.readString(data.resolve("checkpoint.note")))
        .isEqualTo(new String(note, UTF_8));
    try (Stream<Path> left = Files.list(data.resolve("outbox"))) {
      assertThat(left).isEmpty();
    }
    // the posted result: signed by the node's key, done, for this writ and this node
    FakeEnrollServer.Seen posted =
        server.seen().stream()
            .filter(s -> s.path().equals("/v1/agent/results"))
            .findFirst()
            .orElseThrow();
    JsonObject body = (JsonObject) READER.read(posted.body().getBytes(UTF_8));
    byte[] doc = Base64.getDecoder().decode(((JsonString) body.members().get("result")).value());
    byte[] sig = Base64.getDecoder().decode(((JsonString) body.members().get("signature")).value());
    assertThat(ResultSignature.verify(node.svid(), doc, sig)).isTrue();
    WorkResult result = WorkResult.parse(doc);
    assertThat(result.decision()).isEqualTo("done");
    assertThat(result.id()).contains(writ.id());
    assertThat(result.node()).isEqualTo(WEB1);
  }

  @Test
  void agentRun_help_answersWithEveryOption() {
    assertThat(writ("agent", "run", "--help")).isZero();
    assertThat(out())
        .contains("--data", "--server", "--root", "--log-key", "--exit-after", "--tpm", "--ek-ca")
        .contains("Exit status");
    assertThat(writ("agent", "--help")).isZero();
    assertThat(out()).contains("run");
  }

  @Test
  void agentRun_badOptionsOrFiles_usageErrorBeforeAnyRequest() throws Exception {
    root();
    String key = logKey.verifierKey().toString();
    Files.writeString(dir.resolve("not-a-root.json"), "{}");

    assertThat(writ("agent", "run", "--data", data.toString(), "--server", server.url()))
        .isEqualTo(2);
    assertThat(err()).contains("--root");
    assertThat(run(data, server.url(), p("root.json"), key, "--exit-after", "-1")).isEqualTo(2);
    assertThat(err()).contains("--exit-after is a count");
    assertThat(run(data, server.url(), p("root.json"), key, "--tpm", "swtpm:port=1")).isEqualTo(2);
    assertThat(err()).contains("--tpm needs --ek-ca");
    assertThat(run(data, server.url().replace("https:", "http:"), p("root.json"), key))
        .isEqualTo(2);
    assertThat(run(data, server.url(), p("not-a-root.json"), key)).isEqualTo(2);
    assertThat(err()).contains("is not a trust root");
    assertThat(run(data, server.url(), p("root.json"), "not a key")).isEqualTo(2);
    assertThat(err()).contains("bad log verifier key");
    Files.delete(data.resolve("posture"));
    assertThat(run(data, server.url(), p("root.json"), key)).isEqualTo(2);
    assertThat(err()).contains("enroll this host first");
    Files.delete(data.resolve("svid.pem"));
    assertThat(run(data, server.url(), p("root.json"), key)).isEqualTo(2);
    assertThat(err()).contains("cannot read " + data.resolve("svid.pem"));
    assertThat(err()).doesNotContain("\tat ");
    assertThat(server.seen()).isEmpty();
  }

  private int run(Path folder, String url, String rootFile, String key, String... extra) {
    String[] base = {
      "agent",
      "run",
      "--data",
      folder.toString(),
      "--server",
      url,
      "--root",
      rootFile,
      "--log-key",
      key
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return writ(args);
  }
}
