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
  void quickstart_offlineLoopThenServer_allowOnceThenSpentWithVerifiedReceipts() {
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
        .contains("ALLOW  the genuine writ")
        .contains("DENY   replayed on web-1: SPENT")
        .containsPattern("ALLOW  submitted \\(id [0-9a-f]{32} spent\\); receipt verified: leaf 0 ")
        .contains("DENY   submitted again: SPENT; receipt verified: leaf 1 ")
        .contains("DENY   tampered: BAD_SIGNATURE; receipt verified: leaf 2 ")
        .contains("ok: log writ.local/log, 3 entries");
  }
}
