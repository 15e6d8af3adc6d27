package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator workflow with keys inside a real SoftHSM2 token, through the {@code writ} command
 * run as a separate process (libsofthsm2 reads SOFTHSM2_CONF from the process environment, so a
 * child process is the honest way to point it at this test's token directory).
 */
class CliPkcs11Test {
  private static final String PIN = "user-pin-1234";

  @TempDir Path dir;
  private Path conf;

  private record Run(int code, String out, String err) {}

  @BeforeEach
  void token() throws Exception {
    Path tokens = Files.createDirectories(dir.resolve("tokens"));
    conf = dir.resolve("softhsm2.conf");
    Files.writeString(
        conf,
        "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Run init =
        exec(
            List.of(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                "ops",
                "--pin",
                PIN,
                "--so-pin",
                "so-pin-5678"),
            Map.of());
    assertThat(init.code()).as(init.out() + init.err()).isZero();
  }

  private Run writ(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(WritCli.class.getName());
    cmd.addAll(List.of(args));
    return exec(cmd, env);
  }

  private Run exec(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().put("SOFTHSM2_CONF", conf.toString());
    pb.environment().remove("WRIT_PKCS11_PIN");
    pb.environment().remove("WRIT_KEY_PASSWORD");
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private String p(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void tokenKeys_generateSignApproveVerify_allows() throws Exception {
    Map<String, String> pin = Map.of("WRIT_PKCS11_PIN", PIN, "WRIT_KEY_PASSWORD", "pw-for-root");
    Run alice =
        writ(
            pin,
            "key",
            "generate",
            "--pkcs11",
            "--token",
            "ops",
            "--label",
            "alice",
            "--alg",
            "ed25519",
            "--public-out",
            p("alice.pub"));
    assertThat(alice.code()).as(alice.err()).isZero();
    assertThat(alice.out()).contains("pkcs11:token=ops;label=alice", "(ed25519)");
    Run bob =
        writ(
            pin,
            "key",
            "generate",
            "--pkcs11",
            "--token",
            "ops",
            "--label",
            "bob",
            "--alg",
            "ecdsa-p256-sha256",
            "--public-out",
            p("bob.pub"));
    assertThat(bob.code()).as(bob.err()).isZero();
    assertThat(writ(pin, "key", "generate", "--out", p("root.key")).code()).isZero();
    Run init =
        writ(
            pin,
            "root",
            "init",
            "--trust-domain",
            "hsm.test",
            "--expires",
            "2036-01-01",
            "--key",
            "root=" + p("root.key"),
            "--key",
            "initiator=" + p("alice.pub"),
            "--key",
            "approver=" + p("bob.pub"),
            "--key",
            "pauser=" + p("alice.pub"),
            "--key",
            "auditor=" + p("bob.pub"),
            "--out",
            p("root.payload"));
    assertThat(init.code()).as(init.err()).isZero();
    assertThat(
            writ(
                    pin,
                    "root",
                    "sign",
                    p("root.payload"),
                    "--key",
                    p("root.key"),
                    "--out",
                    p("root.json"))
                .code())
        .isZero();
    Files.writeString(
        dir.resolve("req.yaml"),
        "cap: quarantine\nnbf: 1900000000\nttl: 30m\ntargets:\n  glob: spiffe://hsm.test/node/db-*\n  ids: [spiffe://hsm.test/node/db-1]\n");
    assertThat(writ(pin, "request", p("req.yaml"), "--out", p("payload.json")).code()).isZero();
    Run sign =
        writ(
            pin,
            "sign",
            p("payload.json"),
            "--key",
            "pkcs11:token=ops;label=alice",
            "--out",
            p("writ.json"));
    assertThat(sign.code()).as(sign.err()).isZero();
    Run approve = writ(pin, "approve", p("writ.json"), "--key", "pkcs11:token=ops;label=bob");
    assertThat(approve.code()).as(approve.err()).isZero();
    Files.writeString(
        dir.resolve("ctx.json"),
        "{\"now\": 1900000100, \"node\": {\"id\": \"spiffe://hsm.test/node/db-1\", \"posture\": \"attested\"},"
            + " \"targets\": [\"spiffe://hsm.test/node/db-1\"]}");
    Run verify =
        writ(
            Map.of(),
            "verify",
            "--root",
            p("root.json"),
            "--writ",
            p("writ.json"),
            "--context",
            p("ctx.json"));
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("\"decision\":\"allow\"");
  }

  @Test
  void tokenKey_wrongPin_exitsTwoWithPlainMessage() throws Exception {
    Run gen =
        writ(
            Map.of("WRIT_PKCS11_PIN", PIN),
            "key",
            "generate",
            "--pkcs11",
            "--token",
            "ops",
            "--label",
            "alice");
    assertThat(gen.code()).as(gen.err()).isZero();
    Files.writeString(dir.resolve("p.json"), "{}");
    Run sign =
        writ(
            Map.of("WRIT_PKCS11_PIN", "wrong-pin"),
            "sign",
            p("p.json"),
            "--key",
            "pkcs11:token=ops;label=alice",
            "--out",
            p("w.json"));
    assertThat(sign.code()).isEqualTo(2);
    assertThat(sign.err()).containsIgnoringCase("pin").doesNotContain("\tat ");
  }

  @Test
  void tokenKey_mlDsa_refusedWithClearMessage() throws Exception {
    Run gen =
        writ(
            Map.of("WRIT_PKCS11_PIN", PIN),
            "key",
            "generate",
            "--pkcs11",
            "--token",
            "ops",
            "--label",
            "pq",
            "--alg",
            "ml-dsa-65");
    assertThat(gen.code()).isEqualTo(2);
    assertThat(gen.err()).contains("ML-DSA").doesNotContain("\tat ");
  }
}
