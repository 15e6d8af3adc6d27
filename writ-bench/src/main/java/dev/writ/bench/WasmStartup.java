package dev.writ.bench;

import dev.writ.core.Tier;
import dev.writ.sandbox.ExecutionRequest;
import dev.writ.sandbox.ExecutionResult;
import dev.writ.sandbox.Outcome;
import dev.writ.sandbox.ResourceUse;
import dev.writ.sandbox.SampleContent;
import dev.writ.sandbox.SandboxTier;
import dev.writ.sandbox.Sandboxes;
import dev.writ.sandbox.TierUnavailableException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code scripts/bench execute}, part 2: the wasm tier's start-up, as writ-sandbox measures it in
 * {@link ResourceUse.StartupTimings} (module parsed, instance built, first instruction executed,
 * each from the start of {@code run}), for {@link SampleContent#helloWasm()} with the default
 * limits, many runs in this one warm JVM. Each run must exit 0; any other outcome fails the bench.
 *
 * <p>Stateless; run by the bench thread.
 */
final class WasmStartup {
  private WasmStartup() {}

  /** Runs {@code warmup} unrecorded and {@code runs} measured start-ups and prints them. */
  static void measure(int warmup, int runs, Path dir, PrintStream out)
      throws IOException, TierUnavailableException {
    SandboxTier wasm = Sandboxes.forHost().require(Tier.WASM, Tier.WASM);
    Path content = Files.write(dir.resolve("hello.wasm"), SampleContent.helloWasm());
    Path work = Files.createDirectories(dir.resolve("work"));
    ExecutionRequest request = ExecutionRequest.builder(content, work).build();
    double[] parsed = new double[runs];
    double[] instantiated = new double[runs];
    double[] first = new double[runs];
    double[] wall = new double[runs];
    for (int i = -warmup; i < runs; i++) {
      ExecutionResult r = wasm.run(request);
      if (r.outcome() != Outcome.EXITED || r.exitCode().getAsInt() != 0) {
        throw new IOException("hello.wasm did not exit 0: " + r.outcome() + " " + r.reason());
      }
      ResourceUse.StartupTimings s =
          r.usage()
              .startup()
              .orElseThrow(() -> new IOException("the wasm tier reported no start-up timings"));
      if (i >= 0) {
        parsed[i] = ms(s.parsed().toNanos());
        instantiated[i] = ms(s.instantiated().toNanos());
        first[i] =
            ms(
                s.firstInstruction()
                    .orElseThrow(() -> new IOException("no first instruction reported"))
                    .toNanos());
        wall[i] = ms(r.usage().wallTime().toNanos());
      }
    }
    out.printf(
        Locale.ROOT,
        "execute-bench: wasm start-up of hello.wasm (%d bytes) in one warm JVM, %d runs after %d"
            + " warmup; each from the start of WasmTier.run, nearest rank:%n",
        SampleContent.helloWasm().length,
        runs,
        warmup);
    row("parsed", new Percentiles(parsed), out);
    row("instantiated", new Percentiles(instantiated), out);
    row("first instruction", new Percentiles(first), out);
    row("whole run (wall)", new Percentiles(wall), out);
  }

  private static void row(String name, Percentiles p, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "execute-bench:   %-18s p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms%n",
        name,
        p.percentile(50),
        p.percentile(99),
        p.max());
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
