package dev.writ.cli;

import dev.writ.sign.FileKeystore;
import dev.writ.sign.OperatorSigner;
import dev.writ.sign.SigningException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * A reference to an operator signing key on the command line: a key file path, or {@code
 * pkcs11:token=<label>;label=<key label>[;module=<path>]} for a key inside a PKCS#11 token.
 */
final class KeyRef {
  private KeyRef() {}

  /** Opens the key for signing; the caller closes it. */
  static OperatorSigner open(
      String ref,
      Secrets secrets,
      Optional<Path> passwordFile,
      Optional<Path> pinFile,
      SecureRandom random,
      java.io.PrintStream err)
      throws CliException {
    try {
      if (ref.startsWith("pkcs11:")) {
        return Pkcs11Keys.open(ref, secrets, pinFile);
      }
      Path file = Path.of(ref);
      if (!FileKeystore.isEncrypted(file)) {
        err.println("warning: " + file + " is an unencrypted test key");
        return FileKeystore.readUnencryptedTestKey(file, random);
      }
      return new FileKeystore(random)
          .read(file, secrets.password(passwordFile, file.toString(), false));
    } catch (SigningException e) {
      throw new CliException(e.getMessage(), e);
    }
  }
}
