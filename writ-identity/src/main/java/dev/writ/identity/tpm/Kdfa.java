package dev.writ.identity.tpm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * KDFa (TPM 2.0 Part 1 §11.4.10.2): SP 800-108 counter mode with HMAC. Each block is HMAC(key,
 * [i]32 || label || 0x00 || contextU || contextV || [bits]32), for i from 1; the output is the
 * first {@code bits / 8} bytes. Stateless.
 */
final class Kdfa {
  private Kdfa() {}

  static byte[] derive(
      TpmHash hash, byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
    if (bits <= 0 || bits % 8 != 0) {
      throw new IllegalArgumentException("KDFa output is a positive whole number of bytes");
    }
    String algorithm = "Hmac" + hash.jcaName().replace("-", "");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      for (int counter = 1; out.size() < bits / 8; counter++) {
        mac.update(u32(counter));
        mac.update(label.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        mac.update(contextU);
        mac.update(contextV);
        mac.update(u32(bits));
        out.writeBytes(mac.doFinal());
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
    byte[] all = out.toByteArray();
    byte[] result = new byte[bits / 8];
    System.arraycopy(all, 0, result, 0, result.length);
    return result;
  }

  private static byte[] u32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
