package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Capability;
import dev.writ.core.ContentId;
import dev.writ.core.SpiffeId;
import dev.writ.core.TargetSet;
import dev.writ.core.Tier;
import dev.writ.core.WritPayload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code writ deploy} and {@code writ execute} against a TLS stand-in for {@code POST
 * /v1/work/open} (docs/spec/work.md section 2): what they send, the payload they write, every
 * answer that does not hold, refusals and exit codes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkCommandsTest {
  private static final SpiffeId WEB1 = new SpiffeId("fleet.test", "/node/web-1");
  private static final SpiffeId WEB2 = new SpiffeId("fleet.test", "/node/web-2");
  private static final String GLOB = "spiffe://fleet.test/node/web-*";
  private static final String ID = "0123456789abcdef0123456789abcdef";
  private static final ContentId CONTENT = ContentId.of("hello".getBytes(StandardCharsets.UTF_8));

  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @TempDir java.nio.file.Path dir;

  private CliHarness cli;
  private FakeEnrollServer server;

  @BeforeEach
  void start() throws Exception {
    cli = new CliHarness(dir, now);
    server = cli.server();
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  /** The answer a correct server gives to the deploy of {@link #deploy}. */
  private Map<String, Object> answer(String cap) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("cap", cap);
    m.put("content", CONTENT.toString());
    m.put("expires", now.plusSeconds(3600).getEpochSecond());
    m.put("glob", GLOB);
    m.put("id", ID);
    m.put("rollout", "r1");
    m.put("set_hash", TargetSet.of(List.of(WEB1, WEB2)).hash().toString());
    m.put("targets", List.of(WEB1.toString(), WEB2.toString()));
    return m;
  }

  private static String json(Map<String, Object> m) {
    StringBuilder s = new StringBuilder("{");
    for (Map.Entry<String, Object> e : new java.util.TreeMap<>(m).entrySet()) {
      if (s.length() > 1) {
        s.append(',');
      }
      s.append('"').append(e.getKey()).append("\":").append(value(e.getValue()));
    }
    return s.append('}').toString();
  }

  private static String value(Object v) {
    return switch (v) {
      case String s -> "\"" + s + "\"";
      case List<?> l ->
          "[" + String.join(",", l.stream().map(WorkCommandsTest::value).toList()) + "]";
      default -> String.valueOf(v);
    };
  }

  private int deploy(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "deploy",
                "--content",
                CONTENT.toString(),
                "--targets",
                GLOB,
                "--rollout",
                "r1",
                "--server",
                server.url(),
                "--bundle",
                cli.bundle(server),
                "-o",
                cli.path("payload.json").toString()));
    args.addAll(List.of(extra));
    return cli.writ(args.toArray(String[]::new));
  }

  private int deployAnswered(UnaryOperator<Map<String, Object>> change) throws Exception {
    server.answer("/v1/work/open", 200, json(change.apply(answer("deploy"))));
    return deploy();
  }

  @Test
  void deploy_answerThatHolds_sendsTheRequestPrintsTheTargetsAndWritesThePayload()
      throws Exception {
    server.answer("/v1/work/open", 200, json(answer("deploy")));

    assertThat(deploy()).as(cli.err()).isZero();

    assertThat(server.seen())
        .containsExactly(
            new FakeEnrollServer.Seen(
                "/v1/work/open",
                "{\"cap\":\"deploy\",\"content\":\""
                    + CONTENT
                    + "\",\"glob\":\""
                    + GLOB
                    + "\",\"rollout\":\"r1\",\"ttl\":600}"));
    assertThat(cli.out()).isEqualTo(WEB1 + System.lineSeparator() + WEB2 + System.lineSeparator());
    byte[] bytes = Files.readAllBytes(cli.path("payload.json"));
    WritPayload p = WritPayload.parse(bytes);
    assertThat(p.toCanonicalBytes()).isEqualTo(bytes);
    assertThat(p.cap()).isEqualTo(Capability.DEPLOY);
    assertThat(p.id().hex()).isEqualTo(ID);
    assertThat(p.content()).contains(CONTENT);
    assertThat(p.rollout()).contains("r1");
    assertThat(p.tier()).isEmpty();
    assertThat(p.targets().orElseThrow().glob().toString()).isEqualTo(GLOB);
    assertThat(p.targets().orElseThrow().setHash())
        .isEqualTo(TargetSet.of(List.of(WEB1, WEB2)).hash());
    assertThat(p.iat()).isEqualTo(now);
    assertThat(p.nbf()).isEqualTo(now);
    assertThat(p.exp()).isEqualTo(now.plusSeconds(600));
    assertThat(cli.err()).contains("2 target(s)", "writ sign");
  }

  @Test
  void deploy_requestExpiresBeforeTheTtl_expIsTheRequestsExpiry() throws Exception {
    Instant expires = now.plusSeconds(120);
    assertThat(deployAnswered(m -> put(m, "expires", expires.getEpochSecond())))
        .as(cli.err())
        .isZero();

    assertThat(WritPayload.parse(Files.readAllBytes(cli.path("payload.json"))).exp())
        .isEqualTo(expires);
  }

  @Test
  void execute_withTier_sendsTheTierAndWritesItInThePayload() throws Exception {
    Map<String, Object> a = answer("execute");
    a.put("tier", "wasm");
    a.remove("rollout");
    server.answer("/v1/work/open", 200, json(a));

    int code =
        cli.writ(
            "execute",
            "--content",
            CONTENT.toCid(),
            "--targets",
            GLOB,
            "--tier",
            "wasm",
            "--ttl",
            "1h",
            "--server",
            server.url(),
            "--bundle",
            cli.bundle(server),
            "-o",
            cli.path("payload.json").toString());

    assertThat(code).as(cli.err()).isZero();
    assertThat(server.seen().getFirst().body())
        .isEqualTo(
            "{\"cap\":\"execute\",\"content\":\""
                + CONTENT
                + "\",\"glob\":\""
                + GLOB
                + "\",\"tier\":\"wasm\",\"ttl\":3600}");
    WritPayload p = WritPayload.parse(Files.readAllBytes(cli.path("payload.json")));
    assertThat(p.cap()).isEqualTo(Capability.EXECUTE);
    assertThat(p.tier()).contains(Tier.WASM);
    assertThat(p.rollout()).isEmpty();
    assertThat(p.exp()).isEqualTo(now.plusSeconds(3600));
  }

  @Test
  void deploy_setHashOfAnotherList_exitsTwoAndWritesNothing() throws Exception {
    String other = TargetSet.of(List.of(WEB1)).hash().toString();
    assertThat(deployAnswered(m -> put(m, "set_hash", other))).isEqualTo(2);
    assertThat(cli.err()).contains("set_hash");
    assertThat(cli.out()).isEmpty();
    assertThat(cli.path("payload.json")).doesNotExist();
  }

  @Test
  void deploy_answerNamingAnotherContent_exitsTwo() throws Exception {
    String other = ContentId.of(new byte[] {1}).toString();
    assertThat(deployAnswered(m -> put(m, "content", other))).isEqualTo(2);
    assertThat(cli.err()).contains("content " + other + ", not " + CONTENT);
    assertThat(cli.path("payload.json")).doesNotExist();
  }

  @Test
  void deploy_answerNotRepeatingTheRequest_exitsTwo() throws Exception {
    List<UnaryOperator<Map<String, Object>>> changes =
        List.of(
            m -> put(m, "cap", "execute"),
            m -> put(m, "glob", "spiffe://fleet.test/node/*"),
            m -> put(m, "rollout", "r2"),
            m -> remove(m, "rollout"),
            m -> put(m, "tier", "wasm"),
            m -> put(m, "extra", "x"),
            m -> remove(m, "expires"),
            m -> put(m, "expires", now.getEpochSecond()),
            m -> put(m, "id", "not-an-id"),
            m -> put(m, "targets", List.of()),
            m -> put(m, "targets", List.of(WEB2.toString(), WEB1.toString())),
            m -> put(m, "targets", List.of(WEB1.toString(), WEB1.toString())),
            m -> put(m, "targets", List.of(WEB1.toString(), "spiffe://fleet.test/node/db-1")),
            m -> put(m, "targets", List.of(WEB1.toString(), "web-2")));
    for (int i = 0; i < changes.size(); i++) {
      assertThat(deployAnswered(changes.get(i))).as("change %d: %s", i, cli.err()).isEqualTo(2);
      assertThat(cli.path("payload.json")).as("change %d", i).doesNotExist();
    }
  }

  @Test
  void deploy_targetOutsideTheGlobEvenWithItsHash_exitsTwo() throws Exception {
    SpiffeId db = new SpiffeId("fleet.test", "/node/db-1");
    assertThat(
            deployAnswered(
                m -> {
                  m.put("targets", List.of(db.toString(), WEB1.toString()));
                  m.put("set_hash", TargetSet.of(List.of(db, WEB1)).hash().toString());
                  return m;
                }))
        .isEqualTo(2);
    assertThat(cli.err()).contains("does not match");
  }

  @Test
  void deploy_refusals_exitOneWithTheReason_overloadedExitsThree() throws Exception {
    server.answer(
        "/v1/work/open",
        404,
        "{\"decision\":\"deny\",\"detail\":\"no node matches\",\"reason\":\"NO_TARGETS\"}");
    assertThat(deploy()).isEqualTo(1);
    assertThat(cli.err()).contains("NO_TARGETS: no node matches");

    server.answer(
        "/v1/work/open",
        413,
        "{\"decision\":\"deny\",\"detail\":\"65\",\"reason\":\"TOO_MANY_TARGETS\"}");
    assertThat(deploy()).isEqualTo(1);
    assertThat(cli.err()).contains("TOO_MANY_TARGETS");

    server.answer(
        "/v1/work/open",
        503,
        "{\"decision\":\"deny\",\"detail\":\"full\",\"reason\":\"OVERLOADED\"}");
    assertThat(deploy()).isEqualTo(3);
    assertThat(cli.err()).contains("OVERLOADED", "retry later");
    assertThat(cli.path("payload.json")).doesNotExist();
  }

  @Test
  void execute_tierBelowFloor_exitsOneWithTheReason() throws Exception {
    server.answer(
        "/v1/work/open",
        403,
        "{\"decision\":\"deny\",\"detail\":\"floor is wasm\",\"reason\":\"TIER_BELOW_FLOOR\"}");
    int code =
        cli.writ(
            "execute",
            "--content",
            CONTENT.toString(),
            "--targets",
            GLOB,
            "--tier",
            "process",
            "--server",
            server.url(),
            "--bundle",
            cli.bundle(server),
            "-o",
            cli.path("payload.json").toString());
    assertThat(code).isEqualTo(1);
    assertThat(cli.err()).contains("TIER_BELOW_FLOOR: floor is wasm");
  }

  @Test
  void deploy_serverOfAnotherSpiffeId_exitsTwoBeforeAnythingIsWritten() throws Exception {
    FakeEnrollServer impostor = cli.server(new SpiffeId("fleet.test", "/node/web-1"));
    impostor.answer("/v1/work/open", 200, json(answer("deploy")));
    int code =
        cli.writ(
            "deploy",
            "--content",
            CONTENT.toString(),
            "--targets",
            GLOB,
            "--server",
            impostor.url(),
            "--bundle",
            cli.bundle(impostor),
            "-o",
            cli.path("payload.json").toString());
    assertThat(code).isEqualTo(2);
    assertThat(impostor.seen()).isEmpty();
    assertThat(cli.path("payload.json")).doesNotExist();
  }

  @Test
  void usageErrors_exitTwoBeforeAnythingIsSent() throws Exception {
    String bundle = cli.bundle(server);
    String out = cli.path("payload.json").toString();
    List<String[]> bad =
        List.of(
            new String[] {"deploy", "--content", "sha256:12", "--targets", GLOB},
            new String[] {"deploy", "--content", CONTENT.toString(), "--targets", "web-*"},
            new String[] {
              "deploy", "--content", CONTENT.toString(), "--targets", GLOB, "--ttl", "25h"
            },
            new String[] {
              "deploy", "--content", CONTENT.toString(), "--targets", GLOB, "--rollout", "-r"
            },
            new String[] {"execute", "--content", CONTENT.toString(), "--targets", GLOB},
            new String[] {
              "execute", "--content", CONTENT.toString(), "--targets", GLOB, "--tier", "vm"
            });
    for (String[] args : bad) {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--server", server.url(), "--bundle", bundle, "-o", out));
      assertThat(cli.writ(all.toArray(String[]::new))).as(String.join(" ", args)).isEqualTo(2);
    }
    assertThat(server.seen()).isEmpty();
  }

  @Test
  void help_listsTheWorkCommands() {
    assertThat(cli.writ("--help")).isZero();
    assertThat(cli.out()).contains("deploy", "execute", "rollout", "result");
    assertThat(cli.writ("rollout", "--help")).isZero();
    assertThat(cli.out()).contains("status");
    assertThat(cli.writ("result", "--help")).isZero();
    assertThat(cli.out()).contains("show");
  }

  private static Map<String, Object> put(Map<String, Object> m, String k, Object v) {
    m.put(k, v);
    return m;
  }

  private static Map<String, Object> remove(Map<String, Object> m, String k) {
    m.remove(k);
    return m;
  }
}
