package dev.writ.identity.tpm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command-line tool in a working directory with a time limit, its output captured in files
 * there (so no pipe can fill and stall it), and turns any failure into a one-line {@link
 * TpmToolException}. Not thread-safe: callers serialize calls per working directory.
 */
final class ToolRunner {
  /** Output kept from one call: tpm2-tools print well under 64 KiB (a PCR listing is ~7 KiB). */
  static final int MAX_OUTPUT_BYTES = 1 << 20;

  private final Path dir;
  private final Duration timeout;

  ToolRunner(Path dir, Duration timeout) {
    this.dir = dir;
    this.timeout = timeout;
  }

  /** What the tool printed to standard output and error. */
  record Output(String stdout, String stderr) {}

  Output run(List<String> command) throws TpmToolException {
    String tool = command.getFirst();
    Path out = dir.resolve(".tool.stdout");
    Path err = dir.resolve(".tool.stderr");
    try {
      return runAndRead(command, tool, out, err);
    } finally {
      delete(out);
      delete(err);
    }
  }

  private Output runAndRead(List<String> command, String tool, Path out, Path err)
      throws TpmToolException {
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
    } catch (IOException e) {
      throw new TpmToolException(tool + " cannot be started: " + e.getMessage(), e);
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new TpmToolException(tool + " did not finish within " + timeout);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new TpmToolException(tool + " was interrupted", e);
    }
    Output o = new Output(read(out, tool), read(err, tool));
    if (p.exitValue() != 0) {
      throw new TpmToolException(
          tool + " failed (exit " + p.exitValue() + "): " + reason(o.stderr(), o.stdout()));
    }
    return o;
  }

  /**
   * The tool's own error line ({@code ERROR: ...}), with the library's reason when the TCTI could
   * not be loaded; else the library's first error; else the last non-blank line printed.
   */
  static String reason(String stderr, String stdout) {
    List<String> lines = new ArrayList<>(stderr.lines().map(String::strip).toList());
    lines.addAll(stdout.lines().map(String::strip).toList());
    String primary = null;
    String detail = null;
    String last = "no message";
    for (String line : lines) {
      if (line.startsWith("ERROR: ")) {
        if (primary == null && !line.contains("Unable to run")) {
          primary = line.substring("ERROR: ".length()).strip();
        }
      } else if (line.startsWith("ERROR:") && detail == null) {
        int fn = line.indexOf("() ");
        detail = fn < 0 ? line : line.substring(fn + 3).strip();
      }
      if (!line.isEmpty()) {
        last = line;
      }
    }
    if (primary != null) {
      return oneLine(
          detail != null && primary.contains("tcti") ? primary + " (" + detail + ")" : primary);
    }
    return oneLine(detail != null ? detail : last);
  }

  private static String oneLine(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static String read(Path file, String tool) throws TpmToolException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TpmToolException("cannot read the output of " + tool + ": " + e.getMessage(), e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // the next call overwrites it; a credential printed there is single-use
      System.getLogger(ToolRunner.class.getName())
          .log(System.Logger.Level.WARNING, "cannot delete " + file, e);
    }
  }

  private static java.io.File nullDevice() {
    return Path.of("/dev/null").toFile();
  }
}
