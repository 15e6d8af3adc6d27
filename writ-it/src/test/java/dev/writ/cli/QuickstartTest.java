package dev.writ.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's quickstart end to end, with the real server jar in its own process. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QuickstartTest {
  @Test
  void quickstart_enrollsDeploysExecutesAndRefusesReplayAndTamperedContent() {
    String jar = System.getProperty(QuickstartServer.JAR_PROPERTY);
    assertThat(jar).as("surefire sets " + QuickstartServer.JAR_PROPERTY).isNotNull();
    assertThat(Files.isRegularFile(Path.of(jar))).as(jar).isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    WritCli.Env env =
        new WritCli.Env(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            Clock.systemUTC(), // the server process uses the real clock
            new SecureRandom());

    int code = WritCli.run(env, "quickstart");

    String o = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(o + err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(o)
        .contains("posture attested-software")
        .contains("the key stays in the TPM")
        .containsPattern("agent \\| acting on [0-9a-f]{32} \\(deploy\\)")
        .containsPattern("agent \\| acting on [0-9a-f]{32} \\(execute, wasm\\)")
        .containsPattern("agent \\| result [0-9a-f]{32} done recorded, leaf 2")
        .containsPattern("agent \\| result [0-9a-f]{32} done recorded, leaf 4")
        .contains("1/1 done 0 refused 0 pending")
        // the signed result, verified with its receipt, and the program's output hash
        .contains("done      leaf 4  receipt verified")
        .contains("signature verified")
        .contains(
            "exit 0  outcome EXITED  stdout 12 bytes"
                + " sha256:493dad7b0f60e185472f615f3f98fc33e62bc6512cedbedd9246c032a52f3d03")
        .contains("DENY SPENT; receipt verified: leaf 5 of a signed tree of 6")
        .contains("DENY BAD_SIGNATURE; receipt verified: leaf 6 of a signed tree of 7")
        .contains("DENY CONTENT_MISMATCH; receipt verified: leaf 7 of a signed tree of 8")
        .contains("Done in ")
        .doesNotContain("Exception");
  }
}
