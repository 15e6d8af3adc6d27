package dev.writ.sandbox;

import dev.writ.core.Tier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The {@code process} tier, the weakest: the content runs as a child process under a per-execution
 * unprivileged uid and gid from a {@link UidRange}, switched to by util-linux {@code setpriv} (no
 * supplementary groups, {@code no_new_privs}, every capability dropped) with rlimits set by
 * util-linux {@code prlimit} (address space, processes, CPU seconds, file size, open files, no core
 * dumps), an empty environment, and the work directory (chowned to that uid, mode 0700) as its
 * current directory, where the content is copied as {@code ./content} (mode 0500).
 *
 * <p>What it guarantees: the program cannot read the agent's own 0600 files or another execution's
 * 0700 directory (different uid); it inherits no environment variable; no process of its uid
 * survives the execution: after a normal exit and after the wall clock, every process running as
 * that uid is SIGKILLed ({@link UidReaper}), including double-forked and {@code setsid} ones; a
 * fork bomb stops at the process limit. Afterwards the work directory tree is given back to root,
 * so the next execution under the same uid cannot read what this one left there.
 *
 * <p>What it does <b>not</b> guarantee: it does not hide world-readable files (all of {@code /etc},
 * {@code /usr}, other world-readable data stay readable), it does not restrict system calls or the
 * network, and files the program leaves in world-writable directories ({@code /tmp}, {@code
 * /dev/shm}) outlive it. Those are what the {@code seccomp} and {@code gvisor} tiers are for.
 *
 * <p>Available only when the agent runs as root (to switch uid) and both tools exist; it never runs
 * content as the agent's own uid. Thread-safe: executions take distinct uids.
 */
final class ProcessTier implements SandboxTier {

  /** Name of the content copy in the work directory. */
  static final String CONTENT_NAME = "content";

  /** Largest content copied: 256 MiB. */
  static final long MAX_CONTENT_BYTES = 256L << 20;

  /** RLIMIT_NOFILE for the program: 256 open files. */
  static final int MAX_OPEN_FILES = 256;

  /** Most entries of a work directory given back to root after an execution: 1,000,000. */
  static final long MAX_RECLAIM_ENTRIES = 1_000_000;

  /** How long the output pumps may take to drain after every process of the uid is gone. */
  static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

  private final UidPool uids;
  private final UidReaper reaper;
  private final Availability availability;
  private final Path setpriv;
  private final Path prlimit;

  ProcessTier(UidRange range, HostProbe host) {
    this.uids = new UidPool(range);
    this.reaper = new UidReaper(host.proc());
    this.setpriv = host.tool("setpriv").orElse(null);
    this.prlimit = host.tool("prlimit").orElse(null);
    this.availability = probe(host);
  }

  private Availability probe(HostProbe host) {
    OptionalLong euid = host.effectiveUid();
    if (euid.isEmpty()) {
      return new Availability.Unavailable(
          "process tier cannot read its own uid from " + host.proc().resolve("self/status"));
    }
    if (euid.getAsLong() != 0) {
      return new Availability.Unavailable(
          "process tier needs root to run content as a per-execution uid (effective uid is "
              + euid.getAsLong()
              + ")");
    }
    if (setpriv == null) {
      return new Availability.Unavailable(
          "process tier needs util-linux setpriv, not found in " + host.toolDirsText());
    }
    if (prlimit == null) {
      return new Availability.Unavailable(
          "process tier needs util-linux prlimit, not found in " + host.toolDirsText());
    }
    return Availability.available();
  }

  @Override
  public Tier tier() {
    return Tier.PROCESS;
  }

  @Override
  public Availability availability() {
    return availability;
  }

  @Override
  public ExecutionResult run(ExecutionRequest request) {
    if (!availability.isAvailable()) {
      throw new IllegalStateException("process tier is not available: " + availability);
    }
    long start = System.nanoTime();
    OutputCapture output = new OutputCapture(request.limits().maxOutputBytes());
    OptionalInt uid = uids.acquire();
    if (uid.isEmpty()) {
      return result(
          Outcome.FAILED_TO_START, 0, "every execution uid of the range is in use", output, start);
    }
    boolean clean = false;
    try {
      ProcessRun.End end;
      try {
        prepare(request, uid.getAsInt());
        end = execute(request, uid.getAsInt(), output);
      } catch (StartFailure e) {
        end = new ProcessRun.End(Outcome.FAILED_TO_START, 0, e.getMessage());
      }
      UidReaper.Sweep sweep = reaper.killAll(uid.getAsInt());
      String reason = end.reason();
      if (!sweep.clean()) {
        reason += "; processes of uid " + uid.getAsInt() + " survived SIGKILL, uid retired";
      } else {
        Optional<String> reclaimFailure = reclaim(request.workDir());
        clean = reclaimFailure.isEmpty();
        if (!clean) {
          reason += "; " + reclaimFailure.get() + ", uid retired";
        }
      }
      return result(end.outcome(), end.exitCode(), reason, output, start);
    } finally {
      if (clean) {
        uids.release(uid.getAsInt());
      }
    }
  }

  private void prepare(ExecutionRequest request, int uid) throws StartFailure {
    Path work = request.workDir();
    Path content = request.content();
    if (!Files.isDirectory(work, LinkOption.NOFOLLOW_LINKS)) {
      throw new StartFailure("work directory is not a directory");
    }
    if (!Files.isRegularFile(content, LinkOption.NOFOLLOW_LINKS)) {
      throw new StartFailure("content is not a regular file");
    }
    UidReaper.Sweep leftovers = reaper.killAll(uid);
    if (!leftovers.clean()) {
      throw new StartFailure("processes of uid " + uid + " from before cannot be killed");
    }
    try {
      if (Files.size(content) > MAX_CONTENT_BYTES) {
        throw new StartFailure("content is larger than the " + MAX_CONTENT_BYTES + "-byte limit");
      }
      requireExecutableFormat(content);
      Path copy = work.resolve(CONTENT_NAME);
      Files.copy(content, copy, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
      own(copy, uid, "r-x------");
      own(work, uid, "rwx------");
    } catch (IOException e) {
      throw new StartFailure("cannot prepare the work directory: " + WasmRun.oneLine(e.toString()));
    }
  }

  /**
   * Gives the work directory tree back to root once no process of the uid is left, so that the next
   * execution under the same uid cannot read what this one left there. Symbolic links are not
   * followed. Returns the failure, if any.
   */
  private static Optional<String> reclaim(Path work) {
    if (!Files.isDirectory(work, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (Stream<Path> tree = Files.walk(work)) {
      Iterator<Path> it = tree.iterator();
      long n = 0;
      while (it.hasNext()) {
        if (++n > MAX_RECLAIM_ENTRIES) {
          return Optional.of(
              "work directory holds more than " + MAX_RECLAIM_ENTRIES + " entries, not reclaimed");
        }
        Path p = it.next();
        Files.setAttribute(p, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
      }
      return Optional.empty();
    } catch (IOException | UncheckedIOException e) {
      return Optional.of("work directory not reclaimed: " + WasmRun.oneLine(e.toString()));
    }
  }

  private static void requireExecutableFormat(Path content) throws IOException, StartFailure {
    byte[] head;
    try (InputStream in = Files.newInputStream(content, LinkOption.NOFOLLOW_LINKS)) {
      head = in.readNBytes(4);
    }
    boolean elf =
        head.length == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    boolean script = head.length >= 2 && head[0] == '#' && head[1] == '!';
    if (!elf && !script) {
      throw new StartFailure("content is not executable: neither an ELF binary nor a #! script");
    }
  }

  private static void own(Path path, int uid, String mode) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
  }

  private ProcessRun.End execute(ExecutionRequest request, int uid, OutputCapture output)
      throws StartFailure {
    ProcessBuilder pb = new ProcessBuilder(command(request, uid));
    pb.environment().clear();
    pb.directory(request.workDir().toFile());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new StartFailure("cannot start the process: " + WasmRun.oneLine(e.getMessage()));
    }
    ProcessRun run = new ProcessRun(process, request.stdin(), output);
    return run.await(request.limits().wallClock(), () -> reaper.killAll(uid), DRAIN_GRACE);
  }

  List<String> command(ExecutionRequest request, int uid) {
    ExecutionLimits l = request.limits();
    long cpuSeconds = Math.max(1, (l.wallClock().toMillis() + 999) / 1000);
    List<String> cmd = new ArrayList<>();
    cmd.add(setpriv.toString());
    cmd.add("--reuid=" + uid);
    cmd.add("--regid=" + uid);
    cmd.add("--clear-groups");
    cmd.add("--no-new-privs");
    cmd.add("--inh-caps=-all");
    cmd.add("--bounding-set=-all");
    cmd.add("--");
    cmd.add(prlimit.toString());
    cmd.add("--as=" + l.memoryBytes());
    cmd.add("--nproc=" + l.maxProcesses());
    cmd.add("--cpu=" + cpuSeconds);
    cmd.add("--fsize=" + l.maxFileBytes());
    cmd.add("--nofile=" + MAX_OPEN_FILES);
    cmd.add("--core=0");
    cmd.add("--");
    cmd.add("./" + CONTENT_NAME);
    cmd.addAll(request.args());
    return cmd;
  }

  private static ExecutionResult result(
      Outcome outcome, int exitCode, String reason, OutputCapture output, long start) {
    return new ExecutionResult(
        Tier.PROCESS,
        outcome,
        outcome == Outcome.EXITED ? OptionalInt.of(exitCode) : OptionalInt.empty(),
        reason,
        output.stdoutResult(),
        output.stderrResult(),
        new ResourceUse(
            Duration.ofNanos(System.nanoTime() - start),
            OptionalLong.empty(),
            OptionalLong.empty(),
            Optional.empty()));
  }

  /** Content that never started; the message is the one-line reason. */
  static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StartFailure(String reason) {
      super(reason, null, false, false);
    }
  }
}
