package dev.writ.cli;

import java.nio.file.Path;
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

  Optional<Path> password() {
    return Optional.ofNullable(passwordFile);
  }

  Optional<Path> pin() {
    return Optional.ofNullable(pinFile);
  }
}
