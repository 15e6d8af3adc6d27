package dev.writ.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One started child of the process tier: feeds its stdin, drains its stdout and stderr into the
 * {@link OutputCapture}, waits for it up to the wall clock, then has every process of its uid
 * killed (on timeout and after a normal exit alike). Used by one caller thread; the pump threads it
 * starts only write into the thread-safe capture.
 */
final class ProcessRun {

  /** How it ended. */
  record End(Outcome outcome, int exitCode, String reason) {}

  private final Process process;
  private final Thread stdin;
  private final Thread stdout;
  private final Thread stderr;

  ProcessRun(Process process, byte[] input, OutputCapture output) {
    this.process = process;
    this.stdin = daemon("writ-process-stdin", () -> feed(process.getOutputStream(), input));
    this.stdout =
        daemon("writ-process-stdout", () -> pump(process.getInputStream(), output.stdout()));
    this.stderr =
        daemon("writ-process-stderr", () -> pump(process.getErrorStream(), output.stderr()));
  }

  /**
   * Waits up to {@code wallClock}, then runs {@code killAll} (every process of the uid), then waits
   * up to {@code drainGrace} for the pipes to close.
   */
  End await(Duration wallClock, Supplier<UidReaper.Sweep> killAll, Duration drainGrace) {
    boolean exited;
    String interrupted = null;
    try {
      exited = process.waitFor(wallClock.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exited = false;
      interrupted = "stopped: the host interrupted the execution";
    }
    UidReaper.Sweep sweep = killAll.get();
    if (!exited) {
      process.destroyForcibly();
    }
    boolean reaped = waitQuietly(drainGrace);
    joinQuietly(stdout, drainGrace);
    joinQuietly(stderr, drainGrace);
    stdin.interrupt();
    if (!exited) {
      String why =
          interrupted != null ? interrupted : "stopped after the wall-clock limit of " + wallClock;
      return new End(
          Outcome.WALL_CLOCK_EXCEEDED, 0, why + "; " + sweep.killed() + " processes killed");
    }
    if (!reaped) {
      return new End(Outcome.WALL_CLOCK_EXCEEDED, 0, "the process did not finish after exiting");
    }
    int code = process.exitValue();
    String reason = "exited with status " + code;
    if (sweep.killed() > 0) {
      reason += "; " + sweep.killed() + " leftover processes killed";
    }
    return new End(Outcome.EXITED, code, reason);
  }

  private boolean waitQuietly(Duration d) {
    try {
      return process.waitFor(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private static void joinQuietly(Thread t, Duration d) {
    try {
      t.join(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(String name, Runnable body) {
    return Thread.ofPlatform().name(name).daemon(true).start(body);
  }

  private static void feed(OutputStream in, byte[] bytes) {
    try (in) {
      in.write(bytes);
    } catch (IOException e) {
      // the program closed stdin or exited without reading all of it: not an error
    }
  }

  private static void pump(InputStream in, OutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the pipe breaks when the process is killed; what was read is kept and hashed
    }
  }
}
