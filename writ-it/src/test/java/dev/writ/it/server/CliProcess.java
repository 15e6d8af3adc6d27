package dev.writ.it.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the {@code writ} command as an operator or a host would: {@code java -jar writ.jar ARGS} in
 * its own process (the jar writ-cli's package phase shades, named by the {@code writ.cli.jar}
 * property surefire sets), with the same {@code java} as the test, output in files, and a time
 * limit after which it is killed.
 *
 * <p>Thread-safe.
 */
public final class CliProcess {
  /** The system property naming the shaded CLI jar. */
  static final String JAR_PROPERTY = "writ.cli.jar";

  /** A cold JVM on a busy 2-core machine, plus TPM round trips for {@code agent enroll}. */
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** How one run ended. */
  public record Result(int code, String out, String err) {
    /** Both streams, for assertions on what a person would read and for failure messages. */
    public String output() {
      return out + err;
    }
  }

  private final Path workDir;
  private final Map<String, String> env;
  private final AtomicInteger runs = new AtomicInteger();

  /**
   * @param workDir where each run's stdout and stderr files go
   * @param env variables added to the child's environment (e.g. {@code WRIT_KEY_PASSWORD})
   */
  public CliProcess(Path workDir, Map<String, String> env) {
    this.workDir = workDir;
    this.env = Map.copyOf(env);
  }

  /** The CLI jar, which must exist. */
  public static Path jar() {
    String configured = System.getProperty(JAR_PROPERTY);
    if (configured == null || configured.isBlank()) {
      throw new IllegalStateException(
          JAR_PROPERTY + " is not set: run through Maven (writ-it pom)");
    }
    Path jar = Path.of(configured).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: writ-cli's package phase builds it; run ./mvnw -pl writ-it -am verify");
    }
    return jar;
  }

  /** Runs {@code writ args} and waits for it, at most {@link #TIMEOUT}. */
  public Result run(String... args) throws IOException, InterruptedException {
    int n = runs.getAndIncrement();
    Path out = workDir.resolve("cli-" + n + ".out");
    Path err = workDir.resolve("cli-" + n + ".err");
    Files.createDirectories(workDir);
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this test")));
    command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-jar"));
    command.add(jar().toString());
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "writ "
              + String.join(" ", args)
              + " did not finish within "
              + TIMEOUT
              + "\n"
              + read(err));
    }
    return new Result(p.exitValue(), read(out), read(err));
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
