package dev.writ.sign;

import dev.writ.core.SignatureAlgorithm;
import org.xipki.pkcs11.wrapper.PKCS11Constants;

/**
 * An Ed25519 key in a PKCS#11 token, signing with {@code CKM_EDDSA} (no parameters: pure Ed25519,
 * PKCS#11 3.0 section 2.3.14) through ipkcs11wrapper; JDK 25's SunPKCS11 has no EdDSA.
 *
 * <p>Thread-safe: calls are serialized on the keystore's one wrapper session.
 */
final class Pkcs11EdDsaSigner implements OperatorSigner {
  /** RFC 8032 section 5.1.6. */
  static final int SIGNATURE_BYTES = 64;

  private final Pkcs11Keystore keystore;
  private final String label;
  private final long privateKeyHandle;
  private final byte[] spki;
  private volatile boolean closed;

  Pkcs11EdDsaSigner(Pkcs11Keystore keystore, String label, long privateKeyHandle, byte[] spki) {
    this.keystore = keystore;
    this.label = label;
    this.privateKeyHandle = privateKeyHandle;
    this.spki = spki.clone();
  }

  @Override
  public SignatureAlgorithm algorithm() {
    return SignatureAlgorithm.ED25519;
  }

  @Override
  public byte[] publicKeySpki() {
    return spki.clone();
  }

  @Override
  public byte[] sign(byte[] message) throws SigningException {
    if (closed) {
      throw new SigningException("token key \"" + label + "\" is closed");
    }
    byte[] sig = keystore.signInToken(PKCS11Constants.CKM_EDDSA, privateKeyHandle, message);
    if (sig.length != SIGNATURE_BYTES) {
      throw new SigningException(
          "the token returned a " + sig.length + "-byte Ed25519 signature for \"" + label + "\"");
    }
    return sig;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "Pkcs11Key[ed25519 " + keyId().shortForm() + " \"" + label + "\" in " + keystore + "]";
  }
}
