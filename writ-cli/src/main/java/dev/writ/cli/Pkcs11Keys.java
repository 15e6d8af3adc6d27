package dev.writ.cli;

import dev.writ.core.SignatureAlgorithm;
import dev.writ.sign.OperatorSigner;
import dev.writ.sign.SigningException;
import java.nio.file.Path;
import java.util.Optional;

/** TEMPORARY STUB while writ-sign's PKCS#11 support lands. */
final class Pkcs11Keys {
  private Pkcs11Keys() {}

  static OperatorSigner open(String ref, Secrets secrets, Optional<Path> pinFile)
      throws CliException, SigningException {
    throw new CliException("stub " + ref + secrets + pinFile);
  }

  static byte[] generate(
      Path module, String token, char[] pin, SignatureAlgorithm algorithm, String label)
      throws SigningException {
    throw new SigningException("stub " + module + token + pin.length + algorithm + label);
  }

  static Path defaultModule() {
    return Path.of("/");
  }
}
