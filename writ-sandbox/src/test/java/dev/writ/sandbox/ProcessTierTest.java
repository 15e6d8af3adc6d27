package dev.writ.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Tier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process tier on this host, for real: these machines (and CI) run as root with util-linux, so
 * the tier must be available here. Each test runs under a one-uid range of its own, so it knows the
 * uid its program ran as.
 */
class ProcessTierTest {

  private static final int FIRST_TEST_UID = 1_900_300_000;

  @TempDir Path tmp;

  private int uid;
  private ProcessTier tier;
  private final UidReaper reaper = new UidReaper(Path.of("/proc"));

  @BeforeEach
  void setUp(org.junit.jupiter.api.TestInfo info) throws IOException {
    // a world-traversable test root, so that permission checks below are about the files
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    uid = FIRST_TEST_UID + Math.floorMod(info.getDisplayName().hashCode(), 10_000);
    tier = new ProcessTier(new UidRange(uid, 1), HostProbe.real());
    assertThat(tier.availability()).isEqualTo(Availability.available());
  }

  private Path script(String body) throws IOException {
    Path p = tmp.resolve("content-" + System.nanoTime());
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    return p;
  }

  private Path workDir() throws IOException {
    return Files.createTempDirectory(tmp, "work");
  }

  private ExecutionResult run(Path content, ExecutionLimits limits) throws IOException {
    return tier.run(ExecutionRequest.builder(content, workDir()).limits(limits).build());
  }

  private static String sha256(String s) throws Exception {
    return "sha256:"
        + HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void run_script_reportsExitCodeAndOutputHash() throws Exception {
    ExecutionResult r =
        run(script("echo hello; echo oops >&2; exit 3"), ExecutionLimits.defaults());

    assertThat(r.tier()).isEqualTo(Tier.PROCESS);
    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(3);
    assertThat(r.reason()).isEqualTo("exited with status 3");
    assertThat(r.stdout().sha256()).isEqualTo(sha256("hello\n"));
    assertThat(new String(r.stdout().head(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
    assertThat(new String(r.stderr().head(), StandardCharsets.UTF_8)).isEqualTo("oops\n");
    assertThat(r.usage().instructions()).isEmpty();
  }

  @Test
  void run_runsAsTheExecutionUidWithNoGroupsAndNoCapabilities() throws Exception {
    ExecutionResult r =
        run(
            script("id -u; id -G; grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status"),
            ExecutionLimits.defaults());

    assertThat(new String(r.stdout().head(), StandardCharsets.UTF_8))
        .isEqualTo(
            uid
                + "\n"
                + uid
                + "\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nNoNewPrivs:\t1\n");
  }

  @Test
  void run_environment_isEmpty() throws Exception {
    Path env = tmp.resolve("env");
    Files.copy(Path.of("/usr/bin/env"), env);

    ExecutionResult r = run(env, ExecutionLimits.defaults());

    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(0);
    assertThat(r.stdout().totalBytes()).isZero();
  }

  @Test
  void run_stdinAndArgs_reachTheProgram() throws Exception {
    Path content = script("echo \"$#:$1:$2\"; cat");

    ExecutionResult r =
        tier.run(
            ExecutionRequest.builder(content, workDir())
                .args(List.of("a b", "c"))
                .stdin("piped".getBytes(StandardCharsets.UTF_8))
                .build());

    assertThat(new String(r.stdout().head(), StandardCharsets.UTF_8)).isEqualTo("2:a b:c\npiped");
  }

  @Test
  void run_cannotReadARootOwned0600FileOutsideItsDir() throws Exception {
    Path secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "root-only");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path open = tmp.resolve("open.txt");
    Files.writeString(open, "world-readable");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));

    ExecutionResult r =
        run(
            script("cat " + open + "; cat " + secret + "; echo status=$?"),
            ExecutionLimits.defaults());

    String out = new String(r.stdout().head(), StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("root-only");
    assertThat(out).endsWith("status=1\n");
    assertThat(new String(r.stderr().head(), StandardCharsets.UTF_8)).contains("Permission denied");
    // the non-guarantee, witnessed: world-readable files stay readable in this tier
    assertThat(out).startsWith("world-readable");
  }

  @Test
  void run_cannotReadAnotherExecutionsDir() throws Exception {
    Path first = workDir();
    ExecutionResult a =
        tier.run(
            ExecutionRequest.builder(script("echo mine > mine.txt; chmod 644 mine.txt"), first)
                .build());
    assertThat(a.exitCode()).hasValue(0);
    assertThat(first.resolve("mine.txt")).hasContent("mine");

    // the next execution gets the same uid (a one-uid range) and still cannot look inside
    ExecutionResult b =
        run(
            script("ls " + first + "; cat " + first.resolve("mine.txt") + "; echo status=$?"),
            ExecutionLimits.defaults());

    String out = new String(b.stdout().head(), StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("mine").endsWith("status=1\n");
    assertThat(new String(b.stderr().head(), StandardCharsets.UTF_8)).contains("Permission denied");
    assertThat(Files.getAttribute(first, "unix:uid")).isEqualTo(0);
  }

  @Test
  void run_doubleForkedSetsidChild_isKilledAfterTheProgramExits() throws Exception {
    ExecutionResult r =
        run(
            script("(setsid sleep 600 >/dev/null 2>&1 &); (setsid sleep 600 &); exit 0"),
            ExecutionLimits.defaults());

    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(0);
    assertThat(r.reason())
        .startsWith("exited with status 0; ")
        .endsWith("leftover processes killed");
    assertThat(reaper.processesOf(uid)).isEmpty();
  }

  @Test
  void run_infiniteLoop_isStoppedAtTheWallClockAndKilled() throws Exception {
    ExecutionResult r =
        run(
            script("(setsid sh -c 'while :; do :; done' &); while :; do :; done"),
            ExecutionLimits.defaults().withWallClock(Duration.ofMillis(500)));

    assertThat(r.outcome()).isEqualTo(Outcome.WALL_CLOCK_EXCEEDED);
    assertThat(r.exitCode()).isEmpty();
    assertThat(r.reason()).startsWith("stopped after the wall-clock limit of PT0.5S; ");
    assertThat(reaper.processesOf(uid)).isEmpty();
  }

  @Test
  void run_forkBomb_isBoundedByTheProcessLimit() throws Exception {
    ExecutionResult r =
        run(
            script(
                "n=0; for i in $(seq 50); do if (sleep 60 &) 2>/dev/null; then n=$((n+1)); fi;"
                    + " done; echo started=$n"),
            ExecutionLimits.defaults().withMaxProcesses(8));

    String out = new String(r.stdout().head(), StandardCharsets.UTF_8).strip();
    assertThat(out).startsWith("started=");
    assertThat(Integer.parseInt(out.substring("started=".length()))).isLessThan(8);
    assertThat(reaper.processesOf(uid)).isEmpty();
  }

  @Test
  void run_contentThatIsNotExecutable_failsToStartWithAClearReason() throws Exception {
    Path content = tmp.resolve("data.bin");
    Files.write(content, new byte[] {1, 2, 3, 4, 5});

    ExecutionResult r = run(content, ExecutionLimits.defaults());

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(r.exitCode()).isEmpty();
    assertThat(r.reason())
        .isEqualTo("content is not executable: neither an ELF binary nor a #! script");
  }

  @Test
  void run_missingContent_failsToStart() throws Exception {
    ExecutionResult r = run(tmp.resolve("absent"), ExecutionLimits.defaults());

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(r.reason()).isEqualTo("content is not a regular file");
  }

  @Test
  void run_workDirThatIsNotADirectory_failsToStart() throws Exception {
    Path notDir = tmp.resolve("file");
    Files.writeString(notDir, "x");

    ExecutionResult r = tier.run(ExecutionRequest.builder(script("exit 0"), notDir).build());

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(r.reason()).isEqualTo("work directory is not a directory");
  }

  @Test
  void command_dropsPrivilegesThenSetsEveryRlimit() throws Exception {
    ExecutionRequest request =
        ExecutionRequest.builder(tmp.resolve("c"), tmp)
            .args(List.of("x"))
            .limits(ExecutionLimits.defaults().withWallClock(Duration.ofMillis(1500)))
            .build();

    assertThat(tier.command(request, 1_900_000_007))
        .containsExactly(
            "/usr/bin/setpriv",
            "--reuid=1900000007",
            "--regid=1900000007",
            "--clear-groups",
            "--no-new-privs",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
            "/usr/bin/prlimit",
            "--as=268435456",
            "--nproc=32",
            "--cpu=2",
            "--fsize=67108864",
            "--nofile=256",
            "--core=0",
            "--",
            "./content",
            "x");
  }

  @Test
  void availability_withoutRoot_isUnavailableAndRunRefuses() throws Exception {
    Path proc = tmp.resolve("proc");
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/status"), "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\n");
    ProcessTier notRoot =
        new ProcessTier(UidRange.DEFAULT, new HostProbe(proc, List.of(Path.of("/usr/bin"))));

    assertThat(notRoot.availability())
        .isEqualTo(
            new Availability.Unavailable(
                "process tier needs root to run content as a per-execution uid (effective uid is 1000)"));
    assertThatThrownBy(() -> notRoot.run(ExecutionRequest.builder(tmp, tmp).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("process tier is not available");
  }

  @Test
  void availability_withoutTheTools_isUnavailable() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("bin"));
    ProcessTier noTools =
        new ProcessTier(UidRange.DEFAULT, new HostProbe(Path.of("/proc"), List.of(empty)));

    assertThat(noTools.availability())
        .isEqualTo(
            new Availability.Unavailable(
                "process tier needs util-linux setpriv, not found in " + empty));
  }

  @Test
  void availability_unreadableProc_isUnavailable() throws Exception {
    ProcessTier noProc =
        new ProcessTier(UidRange.DEFAULT, new HostProbe(tmp.resolve("none"), List.of()));

    assertThat(noProc.availability())
        .isEqualTo(
            new Availability.Unavailable(
                "process tier cannot read its own uid from " + tmp.resolve("none/self/status")));
  }
}
