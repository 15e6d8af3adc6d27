package dev.writ.sign;

import dev.writ.core.KeyId;
import dev.writ.core.SignatureAlgorithm;

/**
 * One operator signing key, wherever it lives (an encrypted file, an HSM slot). The private key
 * never leaves the implementation; callers get signatures only.
 *
 * <p>Signatures are in the wire form docs/spec/writ.md fixes: Ed25519 64 bytes, ECDSA P-256 as
 * P1363 r||s (64 bytes), ML-DSA-65 3309 bytes (pure, empty context). Implementations say whether
 * they are thread-safe.
 */
public interface OperatorSigner extends AutoCloseable {

  SignatureAlgorithm algorithm();

  /** The public key as DER SubjectPublicKeyInfo. */
  byte[] publicKeySpki();

  default KeyId keyId() {
    return KeyId.ofSpki(publicKeySpki());
  }

  /** Signs {@code message} (for writs, the DSSE PAE bytes). */
  byte[] sign(byte[] message) throws SigningException;

  /** Releases sessions or wipes key material; the signer is unusable afterwards. */
  @Override
  void close();
}
