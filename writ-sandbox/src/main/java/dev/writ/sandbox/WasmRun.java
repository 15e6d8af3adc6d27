package dev.writ.sandbox;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One wasm execution, run on its own worker thread by {@link WasmTier}: read and parse the module,
 * admit it ({@link WasmAdmission}), instantiate it with the deterministic WASI and the {@link
 * WasmGuard}, call {@code _start}, and record how it ended. The worker writes the end state; the
 * caller reads it after joining the worker (or after giving up on it), which is why those fields
 * are volatile.
 */
final class WasmRun implements Runnable {

  /** The program name the module sees as {@code argv[0]}; fixed so runs match across hosts. */
  static final String ARGV0 = "content";

  /** How it ended. */
  record End(Outcome outcome, int exitCode, String reason) {}

  private final ExecutionRequest request;
  private final OutputCapture output;
  private final long start;
  private final WasmGuard guard;
  private volatile End end;
  private volatile String stopReason;
  private volatile long parsedNanos = -1;
  private volatile long instantiatedNanos = -1;
  private volatile Instance instance;

  WasmRun(ExecutionRequest request, OutputCapture output, long start) {
    this.request = request;
    this.output = output;
    this.start = start;
    this.guard = new WasmGuard(request.limits().fuel(), request.limits().memoryPages(), start);
  }

  /** Marks the run as stopped by the caller (wall clock or host interrupt). */
  void stop(String reason) {
    this.stopReason = reason;
  }

  /** How it ended; a stop by the caller wins over whatever the interrupted program did last. */
  End end() {
    String stopped = stopReason;
    if (stopped != null) {
      return new End(Outcome.WALL_CLOCK_EXCEEDED, 0, stopped);
    }
    End e = end;
    return e != null
        ? e
        : new End(Outcome.TRAPPED, 0, "the wasm worker ended without a result (host bug)");
  }

  long instructions() {
    return guard.used();
  }

  OptionalLong peakMemoryBytes() {
    Instance i = instance;
    if (i == null || i.module().memorySection().isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(i.memory().pages() * ExecutionLimits.WASM_PAGE_BYTES);
  }

  Optional<ResourceUse.StartupTimings> startup() {
    if (parsedNanos < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new ResourceUse.StartupTimings(
            Duration.ofNanos(parsedNanos),
            Duration.ofNanos(Math.max(instantiatedNanos, parsedNanos)),
            WasmTier.nanos(guard.firstInstructionNanos())));
  }

  @Override
  public void run() {
    try {
      end = execute();
    } catch (LimitStop e) {
      end = new End(e.outcome(), 0, e.getMessage());
    } catch (WasiExitException e) {
      end = exited(e.exitCode());
    } catch (ChicoryInterruptedException e) {
      end = new End(Outcome.WALL_CLOCK_EXCEEDED, 0, "stopped: interrupted");
    } catch (TrapException e) {
      end = new End(Outcome.TRAPPED, 0, "trapped: " + oneLine(e.getMessage()));
    } catch (UninstantiableException e) {
      end =
          e.getCause() instanceof TrapException t
              ? new End(
                  Outcome.TRAPPED, 0, "trapped in the start function: " + oneLine(t.getMessage()))
              : new End(
                  Outcome.FAILED_TO_START,
                  0,
                  "module does not instantiate: " + oneLine(e.getMessage()));
    } catch (ChicoryException e) {
      end = new End(Outcome.TRAPPED, 0, "trapped: " + oneLine(e.getMessage()));
    } catch (StackOverflowError e) {
      end = new End(Outcome.TRAPPED, 0, "trapped: call stack exhausted");
    } catch (OutOfMemoryError e) {
      end =
          new End(Outcome.MEMORY_EXCEEDED, 0, "the host ran out of heap while running the module");
    }
  }

  private End execute() {
    WasmModule module = parse(read());
    parsedNanos = System.nanoTime() - start;
    WasmAdmission.admit(module, request.limits().memoryPages());
    WasiOptions.Builder options =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(request.stdin()), false)
            .withStdout(output.stdout(), false)
            .withStderr(output.stderr(), false)
            .withArguments(arguments())
            .withClock(
                java.time.Clock.fixed(
                    java.time.Instant.ofEpochSecond(DeterministicWasi.EPOCH_SECONDS),
                    java.time.ZoneOffset.UTC))
            .withRandom(new DeterministicRandom(request.seed()));
    if (request.preopenWorkDir()) {
      options.withDirectory(ExecutionRequest.WASM_WORK_DIR, request.workDir());
    }
    try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build()) {
      List<ImportFunction> functions =
          DeterministicWasi.override(wasi.toHostFunctions(), guard::virtualNanos);
      Instance built =
          Instance.builder(module)
              .withImportValues(
                  ImportValues.builder().withFunctions(new ArrayList<>(functions)).build())
              .withMemoryFactory(this::memory)
              .withMachineFactory(
                  i -> {
                    guard.bind(i);
                    instance = i;
                    return new InterpreterMachine(i);
                  })
              .withUnsafeExecutionListener(guard)
              .withStart(false)
              .build();
      instantiatedNanos = System.nanoTime() - start;
      built.export("_start").apply();
    }
    return exited(0);
  }

  private List<String> arguments() {
    List<String> argv = new ArrayList<>(request.args().size() + 1);
    argv.add(ARGV0);
    argv.addAll(request.args());
    return argv;
  }

  private ByteArrayMemory memory(MemoryLimits declared) {
    guard.declaredMaxPages(declared.maximumPages());
    int max = Math.min(declared.maximumPages(), request.limits().memoryPages());
    return new ByteArrayMemory(new MemoryLimits(declared.initialPages(), max, false));
  }

  private byte[] read() {
    var content = request.content();
    if (!Files.isRegularFile(content, LinkOption.NOFOLLOW_LINKS)) {
      throw new LimitStop(Outcome.FAILED_TO_START, "content is not a regular file");
    }
    try (InputStream in = Files.newInputStream(content, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes((int) WasmTier.MAX_MODULE_BYTES + 1);
      if (bytes.length > WasmTier.MAX_MODULE_BYTES) {
        throw new LimitStop(
            Outcome.FAILED_TO_START,
            "module is larger than the " + WasmTier.MAX_MODULE_BYTES + "-byte limit");
      }
      return bytes;
    } catch (IOException e) {
      throw new LimitStop(
          Outcome.FAILED_TO_START, "content cannot be read: " + oneLine(e.toString()));
    }
  }

  private static WasmModule parse(byte[] bytes) {
    try {
      return Parser.parse(bytes);
    } catch (ChicoryException e) {
      throw new LimitStop(
          Outcome.FAILED_TO_START, "module does not parse: " + oneLine(e.getMessage()));
    } catch (RuntimeException e) {
      // the parser's input is untrusted; anything it throws means the module is refused
      throw new LimitStop(
          Outcome.FAILED_TO_START, "module does not parse: " + oneLine(e.toString()));
    }
  }

  private static End exited(int code) {
    return new End(Outcome.EXITED, code, "exited with status " + code);
  }

  static String oneLine(String s) {
    if (s == null || s.isBlank()) {
      return "(no detail)";
    }
    String line = s.strip().replaceAll("\\s+", " ");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
