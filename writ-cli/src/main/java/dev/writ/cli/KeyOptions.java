package dev.writ.cli;

import dev.writ.sign.OperatorSigner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How secrets for signing keys are supplied; shared by every command that signs. */
final class KeyOptions {
  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description =
          "Key-file password in this file's first line (else $WRIT_KEY_PASSWORD, else a prompt).")
  Path passwordFile;

  @Option(
      names = "--pin-file",
      paramLabel = "FILE",
      description =
          "PKCS#11 user PIN in this file's first line (else $WRIT_PKCS11_PIN, else a prompt).")
  Path pinFile;

  /** Opens one key named on the command line; the caller closes it. */
  OperatorSigner open(String ref, WritCli.Env env) throws CliException {
    return KeyRef.open(ref, env.secrets(), password(), pin(), env.random(), env.err());
  }

  /** Opens every key, in order; if one fails, those already open are closed. */
  List<OperatorSigner> openAll(List<String> refs, WritCli.Env env) throws CliException {
    List<OperatorSigner> open = new ArrayList<>();
    try {
      for (String ref : refs) {
        open.add(open(ref, env));
      }
      return open;
    } catch (CliException | RuntimeException e) {
      open.forEach(OperatorSigner::close);
      throw e;
    }
  }

  Optional<Path> password() {
    return Optional.ofNullable(passwordFile);
  }

  Optional<Path> pin() {
    return Optional.ofNullable(pinFile);
  }
}
