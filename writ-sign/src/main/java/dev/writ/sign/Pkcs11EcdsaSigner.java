package dev.writ.sign;

import dev.writ.core.SignatureAlgorithm;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Signature;

/**
 * An ECDSA P-256 key in a PKCS#11 token, signing through the JDK's SunPKCS11 provider with {@code
 * SHA256withECDSAinP1363Format}: the token signs (with {@code CKM_ECDSA_SHA256}, or {@code
 * CKM_ECDSA} over a digest SunPKCS11 computes), the output is r||s, 64 bytes.
 *
 * <p>Thread-safe: a {@link Signature} is made per call and SunPKCS11 pools its sessions.
 */
final class Pkcs11EcdsaSigner implements OperatorSigner {
  static final String JCA_ALGORITHM = "SHA256withECDSAinP1363Format";

  /** IEEE P1363: r and s, 32 bytes each for P-256. */
  static final int SIGNATURE_BYTES = 64;

  private final Pkcs11Keystore keystore;
  private final String label;
  private final Provider provider;
  private final PrivateKey privateKey;
  private final byte[] spki;
  private volatile boolean closed;

  Pkcs11EcdsaSigner(
      Pkcs11Keystore keystore,
      String label,
      Provider provider,
      PrivateKey privateKey,
      byte[] spki) {
    this.keystore = keystore;
    this.label = label;
    this.provider = provider;
    this.privateKey = privateKey;
    this.spki = spki.clone();
  }

  @Override
  public SignatureAlgorithm algorithm() {
    return SignatureAlgorithm.ECDSA_P256_SHA256;
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
    keystore.ensureOpen();
    byte[] sig;
    try {
      Signature s = Signature.getInstance(JCA_ALGORITHM, provider);
      s.initSign(privateKey);
      s.update(message);
      sig = s.sign();
    } catch (GeneralSecurityException | ProviderException e) {
      throw new SigningException("SunPKCS11 could not sign with token key \"" + label + "\"", e);
    }
    if (sig.length != SIGNATURE_BYTES) {
      throw new SigningException(
          "SunPKCS11 returned a " + sig.length + "-byte P-256 signature for \"" + label + "\"");
    }
    return sig;
  }

  /** The SunPKCS11 instance this key signs through. */
  Provider provider() {
    return provider;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "Pkcs11Key[ecdsa-p256-sha256 "
        + keyId().shortForm()
        + " \""
        + label
        + "\" in "
        + keystore
        + "]";
  }
}
