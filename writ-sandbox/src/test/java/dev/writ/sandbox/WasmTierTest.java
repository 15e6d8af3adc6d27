package dev.writ.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.writ.core.Tier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmTierTest {

  @TempDir Path tmp;

  private final WasmTier tier = new WasmTier();

  private Path fixture(String name) throws IOException {
    Path out = tmp.resolve(name + ".wasm");
    try (InputStream in = getClass().getResourceAsStream("wasm/" + name + ".wasm")) {
      assertThat(in).as("fixture %s", name).isNotNull();
      Files.write(out, in.readAllBytes());
    }
    return out;
  }

  private Path workDir() throws IOException {
    return Files.createTempDirectory(tmp, "work");
  }

  private ExecutionRequest.Builder request(String fixture) throws IOException {
    return ExecutionRequest.builder(fixture(fixture), workDir());
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void run_hello_exitsZeroWithItsOutputAndHash() throws Exception {
    Path content = tmp.resolve("hello.wasm");
    Files.write(content, SampleContent.helloWasm());

    ExecutionResult r = tier.run(ExecutionRequest.builder(content, workDir()).build());

    assertThat(r.tier()).isEqualTo(Tier.WASM);
    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(0);
    assertThat(r.reason()).isEqualTo("exited with status 0");
    byte[] expected = SampleContent.HELLO_OUTPUT.getBytes(StandardCharsets.UTF_8);
    assertThat(r.stdout().head()).isEqualTo(expected);
    assertThat(r.stdout().totalBytes()).isEqualTo(expected.length);
    assertThat(r.stdout().sha256()).isEqualTo(sha256(expected));
    assertThat(r.stderr().totalBytes()).isZero();
    assertThat(r.stderr().sha256()).isEqualTo(sha256(new byte[0]));
    assertThat(r.outputTruncated()).isFalse();
    assertThat(r.usage().instructions().orElseThrow()).isPositive();
    assertThat(r.usage().peakMemoryBytes()).hasValue(ExecutionLimits.WASM_PAGE_BYTES);
  }

  @Test
  void run_hello_reportsTheStartUpSplitUpToTheFirstInstruction() throws Exception {
    ExecutionResult r = tier.run(request("exit3").build());

    ResourceUse.StartupTimings s = r.usage().startup().orElseThrow();
    assertThat(s.instantiated()).isGreaterThanOrEqualTo(s.parsed());
    assertThat(s.firstInstruction())
        .hasValueSatisfying(f -> assertThat(f).isGreaterThanOrEqualTo(s.instantiated()));
  }

  @Test
  void run_procExit3_exitsWithThree() throws Exception {
    ExecutionResult r = tier.run(request("exit3").build());

    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(3);
    assertThat(r.reason()).isEqualTo("exited with status 3");
  }

  @Test
  void run_infiniteLoop_isStoppedByFuelAndReported() throws Exception {
    ExecutionLimits limits = ExecutionLimits.defaults().withFuel(100_000);

    ExecutionResult r = tier.run(request("loop").limits(limits).build());

    assertThat(r.outcome()).isEqualTo(Outcome.FUEL_EXHAUSTED);
    assertThat(r.exitCode()).isEmpty();
    assertThat(r.reason()).isEqualTo("stopped after 100000 instructions: fuel limit reached");
    assertThat(r.usage().instructions()).hasValue(100_000);
  }

  @Test
  void run_infiniteLoopWithAmpleFuel_isStoppedByTheWallClock() throws Exception {
    ExecutionLimits limits =
        ExecutionLimits.defaults()
            .withFuel(ExecutionLimits.MAX_FUEL)
            .withWallClock(Duration.ofMillis(300));

    ExecutionResult r = tier.run(request("loop").limits(limits).build());

    assertThat(r.outcome()).isEqualTo(Outcome.WALL_CLOCK_EXCEEDED);
    assertThat(r.exitCode()).isEmpty();
    assertThat(r.reason()).isEqualTo("stopped after the wall-clock limit of PT0.3S");
  }

  @Test
  void run_unboundedMemoryGrow_isStoppedAtTheMemoryLimit() throws Exception {
    ExecutionLimits limits =
        ExecutionLimits.defaults().withMemoryBytes(16 * ExecutionLimits.WASM_PAGE_BYTES);

    ExecutionResult r = tier.run(request("grow").limits(limits).build());

    assertThat(r.outcome()).isEqualTo(Outcome.MEMORY_EXCEEDED);
    assertThat(r.reason())
        .isEqualTo("memory.grow to 17 pages exceeds the limit of 16 pages (1048576 bytes)");
    assertThat(r.usage().peakMemoryBytes()).hasValue(16 * ExecutionLimits.WASM_PAGE_BYTES);
  }

  @Test
  void run_growPastTheModulesOwnMaximum_returnsMinusOneAsTheSpecSays() throws Exception {
    ExecutionResult r = tier.run(request("grow_declared_max").build());

    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(7);
  }

  @Test
  void run_initialMemoryAboveTheLimit_isRefusedBeforeRunning() throws Exception {
    ExecutionLimits limits =
        ExecutionLimits.defaults().withMemoryBytes(16 * ExecutionLimits.WASM_PAGE_BYTES);

    ExecutionResult r = tier.run(request("big_memory").limits(limits).build());

    assertThat(r.outcome()).isEqualTo(Outcome.MEMORY_EXCEEDED);
    assertThat(r.reason())
        .isEqualTo(
            "module's initial memory of 100 pages exceeds the limit of 16 pages (1048576 bytes)");
    assertThat(r.usage().instructions()).hasValue(0);
  }

  @Test
  void run_unboundedRecursion_trapsWithCallStackExhausted() throws Exception {
    ExecutionResult r = tier.run(request("recurse").build());

    assertThat(r.outcome()).isEqualTo(Outcome.TRAPPED);
    assertThat(r.reason()).isEqualTo("trapped: call stack exhausted");
  }

  @Test
  void run_unreachable_trapsWithTheReason() throws Exception {
    ExecutionResult r = tier.run(request("trap").build());

    assertThat(r.outcome()).isEqualTo(Outcome.TRAPPED);
    assertThat(r.reason()).isEqualTo("trapped: Trapped on unreachable instruction");
  }

  @Test
  void run_notWasm_failsToStartWithAParseReason() throws Exception {
    Path content = tmp.resolve("garbage");
    Files.writeString(content, "#!/bin/sh\necho not wasm\n");

    ExecutionResult r = tier.run(ExecutionRequest.builder(content, workDir()).build());

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(r.reason()).startsWith("module does not parse: ").doesNotContain("\n");
    assertThat(r.usage().startup()).isEmpty();
  }

  @Test
  void run_missingContent_failsToStart() throws Exception {
    ExecutionResult r =
        tier.run(ExecutionRequest.builder(tmp.resolve("absent.wasm"), workDir()).build());

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(r.reason()).isEqualTo("content is not a regular file");
  }

  @Test
  void run_noStartExport_failsToStart() throws Exception {
    ExecutionResult r = tier.run(request("no_start").build());

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(r.reason()).isEqualTo("module exports no _start function");
  }

  @Test
  void run_importOutsideWasi_failsToStart() throws Exception {
    ExecutionResult r = tier.run(request("env_import").build());

    assertThat(r.outcome()).isEqualTo(Outcome.FAILED_TO_START);
    assertThat(r.reason())
        .isEqualTo(
            "module imports env.launch (function); only wasi_snapshot_preview1 functions are offered");
  }

  @Test
  void run_withoutPreopen_seesNoDirectoryAtAll() throws Exception {
    Path work = workDir();
    Files.writeString(work.resolve("inside.txt"), "in");

    ExecutionResult r = tier.run(ExecutionRequest.builder(fixture("open_inside"), work).build());

    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(8); // EBADF: fd 3 does not exist
  }

  @Test
  void run_withPreopen_opensAFileInsideItsWorkDir() throws Exception {
    Path work = workDir();
    Files.writeString(work.resolve("inside.txt"), "in");

    ExecutionResult r =
        tier.run(
            ExecutionRequest.builder(fixture("open_inside"), work).preopenWorkDir(true).build());

    assertThat(r.exitCode()).hasValue(0);
  }

  @Test
  void run_withPreopen_cannotOpenAFileOutsideItsWorkDir() throws Exception {
    Path work = workDir();
    Files.writeString(work.resolveSibling("outside.txt"), "secret");

    ExecutionResult r =
        tier.run(
            ExecutionRequest.builder(fixture("open_escape"), work).preopenWorkDir(true).build());

    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(63); // EPERM
  }

  @Test
  void run_withPreopen_cannotOpenAnAbsoluteHostPath() throws Exception {
    ExecutionResult r =
        tier.run(
            ExecutionRequest.builder(fixture("open_absolute"), workDir())
                .preopenWorkDir(true)
                .build());

    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.exitCode()).hasValue(63); // EPERM
  }

  @Test
  void run_clocksAndRandom_areTheSameOnEveryRunWithTheSameSeed() throws Exception {
    byte[] seed = new byte[32];
    seed[0] = 1;
    Path content = fixture("clock_random");

    ExecutionResult a = tier.run(ExecutionRequest.builder(content, workDir()).seed(seed).build());
    ExecutionResult b = tier.run(ExecutionRequest.builder(content, workDir()).seed(seed).build());
    seed[0] = 2;
    ExecutionResult c = tier.run(ExecutionRequest.builder(content, workDir()).seed(seed).build());

    assertThat(a.stdout().totalBytes()).isEqualTo(40);
    assertThat(b.stdout().head()).isEqualTo(a.stdout().head());
    assertThat(b.stdout().sha256()).isEqualTo(a.stdout().sha256());
    byte[] out = a.stdout().head();
    long realtime =
        java.nio.ByteBuffer.wrap(out, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(realtime / 1_000_000_000L).isEqualTo(DeterministicWasi.EPOCH_SECONDS);
    // same clocks (same instructions so far), different random bytes with another seed
    assertThat(Arrays.copyOfRange(c.stdout().head(), 0, 16))
        .isEqualTo(Arrays.copyOfRange(out, 0, 16));
    assertThat(Arrays.copyOfRange(c.stdout().head(), 16, 40))
        .isNotEqualTo(Arrays.copyOfRange(out, 16, 40));
  }

  @Test
  void run_outputAboveTheCap_isCountedAndHashedInFullButKeptOnlyToTheCap() throws Exception {
    ExecutionLimits limits = ExecutionLimits.defaults().withMaxOutputBytes(1000);

    ExecutionResult r = tier.run(request("big_output").limits(limits).build());

    byte[] all = new byte[100_000];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) (i % 251);
    }
    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.stdout().totalBytes()).isEqualTo(100_000);
    assertThat(r.stdout().sha256()).isEqualTo(sha256(all));
    assertThat(r.stdout().head()).isEqualTo(Arrays.copyOf(all, 1000));
    assertThat(r.stdout().truncated()).isTrue();
    assertThat(r.outputTruncated()).isTrue();
  }

  @Test
  void run_stdinAndArgs_reachTheProgram() throws Exception {
    byte[] input = "from stdin".getBytes(StandardCharsets.UTF_8);

    ExecutionResult r =
        tier.run(request("echo_stdin").stdin(input).args(List.of("a", "b")).build());

    assertThat(r.outcome()).isEqualTo(Outcome.EXITED);
    assertThat(r.stderr().head()).isEqualTo(input);
  }
}
