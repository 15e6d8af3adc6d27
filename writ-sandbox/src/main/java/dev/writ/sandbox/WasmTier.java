package dev.writ.sandbox;

import dev.writ.core.Tier;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code wasm} tier: a WebAssembly module run by Chicory's interpreter with WASI preview 1.
 *
 * <p>What it guarantees: the program sees only what the request gives it. No directory is preopened
 * unless the request maps its work directory (at {@code /work}, read-write); there is no
 * environment, no socket, no import other than {@code wasi_snapshot_preview1} functions. The
 * program is stopped after {@link ExecutionLimits#fuel()} instructions, at a {@code memory.grow}
 * past {@link ExecutionLimits#memoryBytes()}, and at the wall clock. Clocks and random bytes are
 * deterministic (see {@link DeterministicWasi} and {@link DeterministicRandom}), so the same
 * module, arguments, stdin and seed give the same result on every host, provided no directory is
 * mapped (file metadata comes from the host).
 *
 * <p>What it refuses before running: modules above {@link #MAX_MODULE_BYTES}, modules that do not
 * parse or validate, without an exported {@code _start} function, with GC (struct/array) types,
 * with shared or several memories. Each is {@link Outcome#FAILED_TO_START} with its reason.
 *
 * <p>Thread-safe: each run has its own worker thread, instance and WASI state.
 */
final class WasmTier implements SandboxTier {

  /** Largest module accepted: 64 MiB (Chicory's own parser ceiling is 1 GiB, WasmLimits). */
  static final long MAX_MODULE_BYTES = 64L << 20;

  /**
   * Java stack of the worker thread: 16 MiB. Chicory's interpreter recurses once per wasm call, so
   * this bounds call depth (and with it the heap the call frames take); deeper recursion traps with
   * "call stack exhausted".
   */
  static final long WORKER_STACK_BYTES = 16L << 20;

  /** How long a stopped program has to notice the interrupt before the run gives up waiting. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  @Override
  public Tier tier() {
    return Tier.WASM;
  }

  @Override
  public Availability availability() {
    return Availability.available();
  }

  @Override
  public ExecutionResult run(ExecutionRequest request) {
    long start = System.nanoTime();
    OutputCapture output = new OutputCapture(request.limits().maxOutputBytes());
    WasmRun job = new WasmRun(request, output, start);
    Thread worker =
        Thread.ofPlatform()
            .name("writ-wasm")
            .daemon(true)
            .stackSize(WORKER_STACK_BYTES)
            .unstarted(job);
    worker.start();
    String stopReason = null;
    try {
      if (!worker.join(request.limits().wallClock())) {
        stopReason = "stopped after the wall-clock limit of " + request.limits().wallClock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopReason = "stopped: the host interrupted the execution";
    }
    if (stopReason != null) {
      job.stop(stopReason);
      worker.interrupt();
      joinQuietly(worker);
    }
    WasmRun.End end = job.end();
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    ResourceUse usage =
        new ResourceUse(
            wall, OptionalLong.of(job.instructions()), job.peakMemoryBytes(), job.startup());
    return new ExecutionResult(
        Tier.WASM,
        end.outcome(),
        end.outcome() == Outcome.EXITED ? OptionalInt.of(end.exitCode()) : OptionalInt.empty(),
        end.reason(),
        output.stdoutResult(),
        output.stderrResult(),
        usage);
  }

  private static void joinQuietly(Thread worker) {
    try {
      worker.join(STOP_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Optional<Duration> nanos(long value) {
    return value < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(value));
  }
}
