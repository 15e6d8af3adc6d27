package dev.writ.cli;

import dev.writ.core.SignatureAlgorithm;
import dev.writ.sign.OperatorSigner;
import dev.writ.sign.Pkcs11Keystore;
import dev.writ.sign.SigningException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code pkcs11:token=<label>;label=<key label>[;module=<path>]} key references. */
final class Pkcs11Keys {
  private Pkcs11Keys() {}

  static OperatorSigner open(String ref, Secrets secrets, Optional<Path> pinFile)
      throws CliException, SigningException {
    Map<String, String> attrs = new HashMap<>();
    for (String part : ref.substring("pkcs11:".length()).split(";", -1)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new CliException("bad PKCS#11 key reference: " + ref);
      }
      attrs.put(part.substring(0, eq), part.substring(eq + 1));
    }
    String token = attrs.get("token");
    String label = attrs.get("label");
    if (token == null || label == null) {
      throw new CliException("a PKCS#11 key reference needs token= and label=: " + ref);
    }
    Path module =
        attrs.containsKey("module") ? Path.of(attrs.get("module")) : Pkcs11Keystore.defaultModule();
    Pkcs11Keystore store = Pkcs11Keystore.open(module, token, secrets.pin(pinFile, token));
    try {
      return new TokenSigner(store, store.find(label));
    } catch (SigningException e) {
      store.close();
      throw e;
    }
  }

  /** Generates a key inside a token; returns its SPKI. */
  static byte[] generate(
      Path module, String token, char[] pin, SignatureAlgorithm algorithm, String label)
      throws SigningException {
    try (Pkcs11Keystore store = Pkcs11Keystore.open(module, token, pin);
        OperatorSigner key = store.generate(algorithm, label)) {
      return key.publicKeySpki();
    }
  }

  static Path defaultModule() {
    return Pkcs11Keystore.defaultModule();
  }

  /** Keeps the token session open as long as the signer is in use. */
  private record TokenSigner(Pkcs11Keystore store, OperatorSigner key) implements OperatorSigner {
    @Override
    public SignatureAlgorithm algorithm() {
      return key.algorithm();
    }

    @Override
    public byte[] publicKeySpki() {
      return key.publicKeySpki();
    }

    @Override
    public byte[] sign(byte[] message) throws SigningException {
      return key.sign(message);
    }

    @Override
    public void close() {
      key.close();
      store.close();
    }
  }
}
