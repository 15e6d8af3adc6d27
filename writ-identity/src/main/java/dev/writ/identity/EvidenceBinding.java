package dev.writ.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The binding of evidence to one enrollment exchange (docs/spec/enrollment.md section 3.3): {@code
 * "writ-enroll-v1" || 0x00 || nonce || SHA-256(CSR SubjectPublicKeyInfo DER)}, hashed to the TPM's
 * 32-byte qualifying data or the 64-byte report data of SEV-SNP and TDX.
 *
 * <p>Server and agent compute it the same way, so it lives here.
 *
 * <p>Thread-safe: stateless.
 */
public final class EvidenceBinding {
  private static final byte[] DOMAIN = "writ-enroll-v1\0".getBytes(StandardCharsets.US_ASCII);

  private EvidenceBinding() {}

  /** The binding bytes for a challenge nonce and the CSR key's SubjectPublicKeyInfo DER. */
  public static byte[] binding(byte[] nonce, byte[] spkiDer) {
    byte[] keyHash = digest("SHA-256", spkiDer);
    byte[] out = new byte[DOMAIN.length + nonce.length + keyHash.length];
    System.arraycopy(DOMAIN, 0, out, 0, DOMAIN.length);
    System.arraycopy(nonce, 0, out, DOMAIN.length, nonce.length);
    System.arraycopy(keyHash, 0, out, DOMAIN.length + nonce.length, keyHash.length);
    return out;
  }

  /** The TPM quote's qualifying data: SHA-256 of the binding. */
  public static byte[] tpm(byte[] binding) {
    return digest("SHA-256", binding);
  }

  /** SEV-SNP REPORT_DATA or TDX REPORTDATA: SHA-512 of the binding. */
  public static byte[] report(byte[] binding) {
    return digest("SHA-512", binding);
  }

  private static byte[] digest(String alg, byte[] data) {
    try {
      return MessageDigest.getInstance(alg).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(alg + " is part of every JDK", e);
    }
  }
}
