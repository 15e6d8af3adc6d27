package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator workflow and error behaviour of the {@code writ} command, in-process. */
class CliTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int writ(Map<String, String> vars, String... args) {
    out.reset();
    err.reset();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            vars,
            Clock.fixed(NOW, ZoneOffset.UTC),
            new SecureRandom());
    return WritCli.run(env, args);
  }

  private int writ(String... args) {
    return writ(Map.of("WRIT_KEY_PASSWORD", "correct horse"), args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void operatorWorkflow_generateRootRequestSignApproveVerify_allowsThenDeniesReplay()
      throws Exception {
    assertThat(writ("key", "generate", "--out", p("root.key"))).isZero();
    assertThat(writ("key", "generate", "--out", p("alice.key"))).isZero();
    assertThat(writ("key", "generate", "--alg", "ecdsa-p256-sha256", "--out", p("bob.key")))
        .isZero();
    assertThat(Files.readString(dir.resolve("alice.key"))).contains("ENCRYPTED PRIVATE KEY");
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
    assertThat(writ("root", "verify", p("root.json"))).as(out()).isZero();

    Files.writeString(
        dir.resolve("req.yaml"),
        """
        cap: deploy
        targets:
          glob: spiffe://fleet.test/node/web-*
          ids: [spiffe://fleet.test/node/web-1, spiffe://fleet.test/node/web-2]
        content: sha256:%s
        rollout: r1
        ttl: 10m
        """
            .formatted("ab".repeat(32)));
    assertThat(writ("request", p("req.yaml"), "--out", p("payload.json"))).as(err()).isZero();
    assertThat(writ("sign", p("payload.json"), "--key", p("alice.key"), "--out", p("writ.json")))
        .as(err())
        .isZero();

    Files.writeString(
        dir.resolve("ctx.json"),
        """
        {"now": %d, "node": {"id": "spiffe://fleet.test/node/web-2", "posture": "attested"},
         "targets": ["spiffe://fleet.test/node/web-1", "spiffe://fleet.test/node/web-2"],
         "content_sha256": "sha256:%s", "state": {"spent": [], "paused": false, "quarantined": []}}
        """
            .formatted(NOW.getEpochSecond() + 5, "ab".repeat(32)));
    // deploy is dual-control by default: one signature is not enough
    assertThat(
            writ(
                "verify",
                "--root",
                p("root.json"),
                "--writ",
                p("writ.json"),
                "--context",
                p("ctx.json")))
        .isEqualTo(1);
    assertThat(out()).contains("\"reason\":\"THRESHOLD_NOT_MET\"");

    assertThat(writ("approve", p("writ.json"), "--key", p("bob.key"))).as(err()).isZero();
    assertThat(writ("approve", p("writ.json"), "--key", p("bob.key"))).isEqualTo(2);
    assertThat(err()).contains("already signed");

    assertThat(writ("inspect", p("writ.json"), "--root", p("root.json"))).isZero();
    assertThat(out())
        .contains("capability   deploy", "signatures   2", "roles=[approver, auditor]");

    assertThat(
            writ(
                "verify",
                "--root",
                p("root.json"),
                "--writ",
                p("writ.json"),
                "--context",
                p("ctx.json")))
        .as(out() + err())
        .isZero();
    assertThat(out()).contains("\"decision\":\"allow\"");
  }

  @Test
  void keyGenerate_wrongPassword_failsWithPlainMessage() {
    assertThat(writ("key", "generate", "--out", p("k.key"))).isZero();
    Files2Helper.touch(dir.resolve("p.json"));
    int code =
        writ(
            Map.of("WRIT_KEY_PASSWORD", "not it"),
            "sign",
            p("p.json"),
            "--key",
            p("k.key"),
            "--out",
            p("w.json"));
    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("wrong password")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void keyGenerate_existingFile_refusesToOverwrite() throws Exception {
    Files.writeString(dir.resolve("k.key"), "keep me");
    assertThat(writ("key", "generate", "--out", p("k.key"))).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("k.key"))).isEqualTo("keep me");
  }

  @Test
  void keyGenerate_noPasswordAndNoTerminal_saysHowToSupplyOne() {
    assertThat(writ(Map.of(), "key", "generate", "--out", p("k.key"))).isEqualTo(2);
    assertThat(err()).contains("--password-file").contains("WRIT_KEY_PASSWORD");
  }

  @Test
  void verify_missingFile_exitsTwoWithoutStackTrace() {
    assertThat(writ("verify", "--root", p("nope.json"), "--writ", p("w"), "--context", p("c")))
        .isEqualTo(2);
    assertThat(err()).contains("no such file").doesNotContain("\tat ");
  }

  @Test
  void verify_contextNotJson_exitsTwo() throws Exception {
    Path root = Vectors.dir().resolve("root.json");
    Files.writeString(dir.resolve("c.json"), "{not json");
    Files.writeString(dir.resolve("w.json"), "{}");
    assertThat(
            writ(
                "verify",
                "--root",
                root.toString(),
                "--writ",
                p("w.json"),
                "--context",
                p("c.json")))
        .isEqualTo(2);
    assertThat(err()).contains("context is not valid JSON").doesNotContain("\tat ");
  }

  @Test
  void verify_garbageWrit_deniesMalformedWithExitOne() throws Exception {
    Path root = Vectors.dir().resolve("root.json");
    Files.writeString(dir.resolve("c.json"), "{\"now\": 1900000000}");
    Files.write(dir.resolve("w.json"), new byte[] {(byte) 0xff, 0x00, 0x41});
    assertThat(
            writ(
                "verify",
                "--root",
                root.toString(),
                "--writ",
                p("w.json"),
                "--context",
                p("c.json")))
        .isEqualTo(1);
    assertThat(out()).contains("\"reason\":\"MALFORMED\"");
  }

  @Test
  void unknownOption_exitsTwoAndPointsToHelp() {
    assertThat(writ("verify", "--frobnicate")).isEqualTo(2);
    assertThat(err()).contains("--help");
  }

  @Test
  void help_listsEveryCommand() {
    assertThat(writ("--help")).isZero();
    assertThat(out())
        .contains("quickstart", "key", "root", "request", "sign", "approve", "inspect", "verify");
  }

  @Test
  void request_unknownField_refused() throws Exception {
    Files.writeString(dir.resolve("r.yaml"), "cap: discover\nfoo: 1\n");
    assertThat(writ("request", p("r.yaml"))).isEqualTo(2);
    assertThat(err()).contains("unknown field \"foo\"");
  }

  @Test
  void request_executeWithoutTier_refusedWithTheRule() throws Exception {
    Files.writeString(
        dir.resolve("r.yaml"),
        "cap: execute\ncontent: sha256:"
            + "00".repeat(32)
            + "\ntargets:\n  glob: spiffe://t.test/node/a\n  ids: [spiffe://t.test/node/a]\n");
    assertThat(writ("request", p("r.yaml"))).isEqualTo(2);
    assertThat(err()).contains("execute needs a tier");
  }

  @Test
  void rootRotate_signedByOldAndNew_chains_andNewOnly_isRefused() throws Exception {
    for (String k : new String[] {"r1", "r2", "i"}) {
      assertThat(writ("key", "generate", "--out", p(k + ".key"))).isZero();
    }
    for (String role :
        new String[] {"root=r1", "initiator=i", "approver=i", "pauser=i", "auditor=i"}) {
      assertThat(role).isNotEmpty();
    }
    assertThat(
            writ(
                "root",
                "init",
                "--trust-domain",
                "t.test",
                "--expires",
                "2036-01-01",
                "--key",
                "root=" + p("r1.key"),
                "--key",
                "initiator=" + p("i.key"),
                "--key",
                "approver=" + p("i.key"),
                "--key",
                "pauser=" + p("i.key"),
                "--key",
                "auditor=" + p("i.key"),
                "--out",
                p("v1.payload")))
        .isZero();
    assertThat(writ("root", "sign", p("v1.payload"), "--key", p("r1.key"), "--out", p("v1.json")))
        .isZero();
    assertThat(
            writ(
                "root",
                "rotate",
                "--from",
                p("v1.json"),
                "--remove-key",
                p("r1.key"),
                "--add-key",
                "root=" + p("r2.key"),
                "--out",
                p("v2.payload")))
        .as(err())
        .isZero();
    assertThat(
            writ(
                "root",
                "sign",
                p("v2.payload"),
                "--key",
                p("r2.key"),
                "--out",
                p("v2-new-only.json")))
        .isZero();
    assertThat(writ("root", "verify", p("v1.json"), "--next", p("v2-new-only.json"))).isEqualTo(1);
    assertThat(out()).contains("THRESHOLD_NOT_MET");
    assertThat(
            writ(
                "root", "sign", p("v2-new-only.json"), "--key", p("r1.key"), "--out", p("v2.json")))
        .isZero();
    assertThat(writ("root", "verify", p("v1.json"), "--next", p("v2.json"))).as(out()).isZero();
    assertThat(out()).contains("root version 2");
  }

  @Test
  void quickstart_withoutTheServerJar_saysWhyBeforeMakingAnything() {
    // the whole quickstart runs in writ-it (QuickstartTest), where the server jar is built
    assertThat(System.getProperty(QuickstartServer.JAR_PROPERTY)).isNull();

    assertThat(writ(Map.of(), "quickstart")).as(err()).isEqualTo(2);
    assertThat(out()).isEmpty();
    assertThat(err()).contains("the server jar is not known: run the quickstart through ./writ");
  }

  @Test
  void submit_plainHttpServer_isRefusedBeforeAnythingIsSent() throws Exception {
    Path writ = Files.writeString(dir.resolve("w.json"), "{}");
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), "");

    int code =
        writ(
            "submit",
            writ.toString(),
            "--server",
            "http://127.0.0.1:7300",
            "--bundle",
            bundle.toString(),
            "--log-key",
            "k");

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("--server must be an https://HOST:PORT URL, not http://127.0.0.1:7300")
        .contains("no plaintext listener");
    assertThat(out()).isEmpty();
  }

  @Test
  void submit_withoutBundle_saysWhichFileToGive() throws Exception {
    Path writ = Files.writeString(dir.resolve("w.json"), "{}");

    assertThat(writ("submit", writ.toString(), "--log-key", "k")).isEqualTo(2);
    assertThat(err())
        .contains("--server https://127.0.0.1:7300 needs --bundle FILE")
        .contains("printed by 'writ server' as 'bundle FILE'");
  }

  @Test
  void submit_bundleThatIsNotABundle_isUsageError() throws Exception {
    Path writ = Files.writeString(dir.resolve("w.json"), "{}");
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), "not pem");

    assertThat(writ("submit", writ.toString(), "--bundle", bundle.toString(), "--log-key", "k"))
        .isEqualTo(2);
    assertThat(err()).contains("is not a trust bundle");
  }

  /** Tiny file helper for the tests. */
  static final class Files2Helper {
    static void touch(Path p) {
      try {
        Files.writeString(p, "{}");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
