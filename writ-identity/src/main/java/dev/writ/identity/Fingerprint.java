package dev.writ.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The SHA-256 of a certificate's DER encoding: how the trust root's policy names an attestation
 * authority (a TPM EK CA, an AMD ARK, the Intel SGX root). Immutable.
 */
public final class Fingerprint {
  private final byte[] sha256;

  private Fingerprint(byte[] sha256) {
    this.sha256 = sha256;
  }

  /** Parses 64 lowercase hex digits. */
  public static Fingerprint parse(String hex) {
    if (hex.length() != 64
        || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException("a fingerprint is 64 lowercase hex digits");
    }
    return new Fingerprint(HexFormat.of().parseHex(hex));
  }

  /** The fingerprint of a certificate. */
  public static Fingerprint of(X509Certificate cert) {
    try {
      return new Fingerprint(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot encode a parsed certificate", e);
    }
  }

  /** 64 lowercase hex digits. */
  public String hex() {
    return HexFormat.of().formatHex(sha256);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fingerprint f && MessageDigest.isEqual(sha256, f.sha256);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sha256);
  }

  @Override
  public String toString() {
    return hex();
  }
}
