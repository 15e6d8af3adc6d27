package dev.writ.it.work;

import dev.writ.it.server.CliProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One long-running {@code writ agent run} child process, started from the shaded CLI jar with the
 * same {@code java} as the test, its stdout and stderr in files. {@link #awaitLine} waits for a
 * line the agent prints; {@link #kill} is SIGKILL, the crash a host may suffer at any instant.
 *
 * <p>Thread-safe: the process handle is, and the output is read from files.
 */
final class AgentProcess implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(15);

  /** A heap above the wasm tier's 256 MiB memory limit, so a module at the limit fits. */
  private static final List<String> JVM_OPTIONS =
      List.of("--enable-native-access=ALL-UNNAMED", "-Xmx768m");

  private final String name;
  private final Process process;
  private final Path out;
  private final Path err;

  private AgentProcess(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code java -jar writ.jar args} with {@code env} added; returns at once. */
  static AgentProcess start(String name, List<String> args, Path logDir, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this test")));
    command.addAll(JVM_OPTIONS);
    command.add("-jar");
    command.add(CliProcess.jar().toString());
    command.addAll(args);
    Files.createDirectories(logDir);
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().putAll(env);
    return new AgentProcess(name, pb.start(), out, err);
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until a line of stdout or stderr matches {@code pattern} (found anywhere in the line) and
   * returns its match.
   *
   * @throws AssertionError if the process exits first or no line matches within {@code timeout}
   */
  Matcher awaitLine(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<Matcher> m = find(pattern);
      if (m.isPresent()) {
        return m.get();
      }
      if (!process.isAlive()) {
        // one last look: the line may have been written just before the exit
        m = find(pattern);
        if (m.isPresent()) {
          return m.get();
        }
        throw new AssertionError(
            name + " exited with " + process.exitValue() + " before printing " + pattern + tail());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(name + " printed no " + pattern + " within " + timeout + tail());
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The first line of the output so far that matches {@code pattern}, if any. */
  Optional<Matcher> find(Pattern pattern) throws IOException {
    for (String line : lines()) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** Every line of stdout, then every line of stderr, so far. */
  List<String> lines() throws IOException {
    List<String> all = new ArrayList<>(read(out).lines().toList());
    all.addAll(read(err).lines().toList());
    return all;
  }

  /** SIGKILL, then waits for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still runs " + EXIT_WAIT + " after SIGKILL");
    }
  }

  /** Both output files' last lines, for failure messages. */
  String tail() {
    try {
      List<String> all = lines();
      return "\n--- "
          + name
          + " ("
          + out
          + ", "
          + err
          + ")\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    } catch (IOException e) {
      return "\n--- " + name + " output unreadable: " + e;
    }
  }

  /** Decoded leniently: a killed child may stop in the middle of a character. */
  private static String read(Path file) throws IOException {
    return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the process got its SIGKILL; leave the wait
      }
    }
  }
}
