package dev.writ.agent;

import java.security.PrivateKey;
import java.util.Base64;

/** PKCS#8 PEM of the agent's own key, for the SVID file. Thread-safe: stateless. */
final class PemKeys {
  private PemKeys() {}

  static String pkcs8(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
