package dev.writ.it.server;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code writ server} child process, started from writ-server's own jar with the same {@code
 * java} as the test JVM, its stdout and stderr in files. {@link #awaitReady} waits for the four
 * lines the server prints once it serves (docs/spec/api.md section 8); {@link #kill} is SIGKILL.
 *
 * <p>Not thread-safe, except {@link #kill} and {@link #isAlive}, which any thread may call.
 */
public final class ServerProcess implements AutoCloseable {
  /** Where writ-server's package phase puts the server jar, relative to the repository. */
  static final String JAR = "writ-server/target/writ-server.jar";

  /**
   * The JVM's own collector choice, as in production; a bounded heap, since four JVMs share the
   * machine during the three-peer test.
   */
  private static final List<String> JVM_OPTIONS =
      List.of("--enable-native-access=ALL-UNNAMED", "-Xmx512m");

  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(15);

  /**
   * What the server printed once ready.
   *
   * @param base its TLS listener, {@code https://HOST:PORT}
   * @param bundle the trust bundle file clients authenticate it by
   */
  public record Ready(URI base, Path bundle, String vkey, String peer) {}

  private final String name;
  private final Process process;
  private final Path out;
  private final Path err;
  private Ready ready;

  private ServerProcess(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts {@code java -jar writ-server.jar args}, output to {@code logDir/name.out} and {@code
   * .err}; returns at once.
   */
  static ServerProcess launch(String name, List<String> args, Path logDir) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.addAll(JVM_OPTIONS);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    Files.createDirectories(logDir);
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new ServerProcess(name, p, out, err);
  }

  /** The server jar, from the {@code writ.repo.dir} property the parent pom's surefire sets. */
  static Path jar() {
    String dir = System.getProperty("writ.repo.dir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(
          "writ.repo.dir is not set: run through Maven (the parent pom's surefire sets it)");
    }
    Path jar = Path.of(dir).resolve(JAR).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: writ-server's package phase builds it; run ./mvnw -pl writ-it -am"
              + " verify (not test)");
    }
    return jar;
  }

  private static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this test"));
  }

  /**
   * Waits until the server printed its listen address, bundle file, log key and peer id.
   *
   * @throws IllegalStateException if it exits first or is not ready in time
   */
  Ready awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Ready r = parseReady();
      if (r != null) {
        ready = r;
        return r;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " before it was ready\n" + tail(40));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(name + " not ready within " + timeout + "\n" + tail(40));
      }
      Thread.sleep(POLL);
    }
  }

  private Ready parseReady() throws IOException {
    String base = null;
    String bundle = null;
    String vkey = null;
    String peer = null;
    for (String line : lines(out)) {
      if (line.startsWith("listening https://")) {
        base = line.substring("listening ".length()).strip();
      } else if (line.startsWith("bundle ")) {
        bundle = line.substring("bundle ".length()).strip();
      } else if (line.startsWith("log key ")) {
        vkey = line.substring("log key ".length()).strip();
      } else if (line.startsWith("peer ")) {
        peer = line.substring("peer ".length()).strip();
      }
    }
    if (base == null || bundle == null || vkey == null || peer == null) {
      return null;
    }
    return new Ready(URI.create(base), Path.of(bundle), vkey, peer);
  }

  /** What the server printed; only after {@link #awaitReady} returned. */
  public Ready ready() {
    if (ready == null) {
      throw new IllegalStateException(name + " is not ready");
    }
    return ready;
  }

  /**
   * What the server printed after {@code prefix} on the first such line of its stdout (e.g. {@code
   * "listening https://"}, {@code "bundle "}); only after {@link #awaitReady} returned, since the
   * server prints every line before it is ready.
   *
   * @throws IllegalStateException if no line starts with {@code prefix}
   */
  public String printed(String prefix) throws IOException {
    ready();
    for (String line : lines(out)) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).strip();
      }
    }
    throw new IllegalStateException(name + " printed no line starting with \"" + prefix + "\"");
  }

  String name() {
    return name;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, then waits for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still runs " + EXIT_WAIT + " after SIGKILL");
    }
  }

  /** The last {@code lines} lines of stdout and of stderr, for a failure report. */
  public String tail(int lines) {
    return "--- "
        + name
        + " stdout ("
        + out
        + ")\n"
        + tailOf(out, lines)
        + "--- "
        + name
        + " stderr ("
        + err
        + ")\n"
        + tailOf(err, lines);
  }

  private static String tailOf(Path file, int lines) {
    try {
      List<String> all = lines(file);
      StringBuilder b = new StringBuilder();
      for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
        b.append(l).append('\n');
      }
      return b.toString();
    } catch (IOException e) {
      return "(unreadable: " + e + ")\n";
    }
  }

  /** The file's lines, decoded leniently: a child may be killed in the middle of a character. */
  private static List<String> lines(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
  }

  /** SIGKILL if still running: test cleanup, where a clean stop proves nothing. */
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
