package dev.writ.cli;

import dev.writ.sign.SigningException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "spec",
    mixinStandardHelpOptions = true,
    description = "Tools for the format specification (docs/spec).",
    subcommands = {SpecCommands.Vectors.class})
final class SpecCommands implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "vectors",
      mixinStandardHelpOptions = true,
      description = {
        "Regenerate the conformance vectors from the test keys in DIR/keys.",
        "The output is deterministic; --check reports drift instead of writing."
      })
  static final class Vectors implements Callable<Integer> {
    private final WritCli.Env env;

    @Option(
        names = "--dir",
        defaultValue = "docs/spec/vectors",
        paramLabel = "DIR",
        description = "Vector folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
        names = "--new-keys",
        description = "Create test keys that are missing (never replaces one).")
    boolean newKeys;

    @Option(
        names = "--check",
        description = "Compare with the files in DIR; exit 1 if any differs or is missing.")
    boolean check;

    Vectors(WritCli.Env env) {
      this.env = env;
    }

    @Override
    public Integer call() throws CliException {
      Path keys = dir.resolve("keys");
      if (newKeys) {
        try {
          env.err()
              .println(
                  "created "
                      + VectorGenerator.createMissingKeys(keys, env.random())
                      + " test key(s)");
        } catch (SigningException e) {
          throw new CliException(e.getMessage(), e);
        }
      }
      Map<String, String> files = new TreeMap<>(VectorGenerator.generate(keys));
      files.putAll(ReceiptVectors.generate(files));
      if (!check) {
        VectorGenerator.writeAll(dir, files);
        env.err().println("wrote " + files.size() + " files to " + dir);
        return WritCli.OK;
      }
      int drift = 0;
      for (Map.Entry<String, String> e : files.entrySet()) {
        Path f = dir.resolve(e.getKey());
        String have = Files.exists(f) ? new String(Files2.read(f), StandardCharsets.UTF_8) : null;
        if (!e.getValue().equals(have)) {
          env.out().println((have == null ? "missing: " : "differs: ") + f);
          drift++;
        }
      }
      env.out()
          .println(
              drift == 0
                  ? "vectors match (" + files.size() + " files)"
                  : drift + " file(s) drifted");
      return drift == 0 ? WritCli.OK : WritCli.DENIED;
    }
  }
}
