package dev.writ.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart's server: {@code writ server} in its own process (its own jar, which holds no
 * signing code), one embedded peer with its TLS 1.3 listener on a free loopback port, data in the
 * quickstart's folder. Knows what the server printed: its {@code https} URL, the trust bundle file
 * clients authenticate it by, and the log key. Stopped with SIGTERM on close, SIGKILL if it does
 * not stop in time.
 */
final class QuickstartServer implements AutoCloseable {
  /** The system property the {@code writ} launcher sets to the server jar's path. */
  static final String JAR_PROPERTY = "writ.server.jar";

  private static final long START_SECONDS = 120;

  private final Process process;
  private final String url;
  private final Path bundle;
  private final String logKey;

  private QuickstartServer(Process process, String url, Path bundle, String logKey) {
    this.process = process;
    this.url = url;
    this.bundle = bundle;
    this.logKey = logKey;
  }

  /** Starts the server on {@code root} with data under {@code dir}; waits until it listens. */
  static QuickstartServer start(Path dir, Path root) throws CliException {
    Path jar = jar();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        List.of(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-jar",
            jar.toString(),
            "--data",
            dir.resolve("server").toString(),
            "--root",
            root.toString(),
            "--listen",
            "127.0.0.1:0");
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(dir.resolve("server.log").toFile()).start();
    } catch (IOException e) {
      throw new CliException("cannot start the server: " + e.getMessage(), e);
    }
    String url = null;
    String bundle = null;
    String key = null;
    List<String> seen = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
      while ((url == null || bundle == null || key == null) && System.nanoTime() < deadline) {
        String line = out.readLine();
        if (line == null) {
          break;
        }
        seen.add(line);
        if (line.startsWith("listening https://")) {
          url = line.substring("listening ".length());
        } else if (line.startsWith("bundle ")) {
          bundle = line.substring("bundle ".length());
        } else if (line.startsWith("log key ")) {
          key = line.substring("log key ".length());
        }
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw new CliException("cannot read the server's output: " + e.getMessage(), e);
    }
    if (url == null || bundle == null || key == null) {
      p.destroyForcibly();
      throw new CliException(
          "the server did not start (its output: "
              + seen
              + "; log: "
              + dir.resolve("server.log")
              + ")");
    }
    return new QuickstartServer(p, url, Path.of(bundle), key);
  }

  static Path jar() throws CliException {
    String configured = System.getProperty(JAR_PROPERTY);
    if (configured == null) {
      throw new CliException(
          "the server jar is not known: run the quickstart through ./writ, which builds it and"
              + " sets -D"
              + JAR_PROPERTY);
    }
    Path jar = Path.of(configured);
    if (!Files.isRegularFile(jar)) {
      throw new CliException("the server jar " + jar + " is missing; ./writ builds it");
    }
    return jar;
  }

  String url() {
    return url;
  }

  /** The trust bundle file the server printed: its CA, which clients authenticate it by. */
  Path bundle() {
    return bundle;
  }

  String logKey() {
    return logKey;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
