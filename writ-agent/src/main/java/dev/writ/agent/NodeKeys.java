package dev.writ.agent;

import dev.writ.identity.svid.NodeKey;
import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.SvidValidator;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.tpm.TpmToolException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * The node's own SVID key (docs/spec/enrollment.md section 1): a fresh P-256 key per enrollment or
 * renewal, generated inside the TPM where there is one (it never leaves it) and otherwise in the
 * agent's memory; its CSR; and the issued SVID validated and joined to it.
 *
 * <p>Thread-safe: stateless.
 */
final class NodeKeys {
  private NodeKeys() {}

  /** A new key: inside {@code tpm} when there is one, otherwise in memory. */
  static NodeKey generate(Optional<TpmDevice> tpm, SecureRandom random) throws EnrollException {
    if (tpm.isEmpty()) {
      return NodeKey.generate(random);
    }
    try {
      return tpm.get().newNodeKey();
    } catch (TpmToolException e) {
      throw new EnrollException("TPM: cannot make the node key: " + e.getMessage(), e);
    }
  }

  /** A PKCS#10 request for {@code keys}; the server ignores the subject and certifies the key. */
  static byte[] csr(NodeKey keys, String name) {
    return keys.csr(name);
  }

  /**
   * The server's {@code svid} PEM validated against {@code bundle} at {@code now} and paired with
   * the private key it must certify.
   */
  static SvidCredentials credentials(String svidPem, NodeKey keys, TrustBundle bundle, Instant now)
      throws EnrollException {
    try {
      return SvidCredentials.of(
          SvidValidator.validate(
              SvidPem.certificates(svidPem.getBytes(StandardCharsets.US_ASCII)), bundle, now),
          keys.privateKey());
    } catch (SvidException e) {
      throw new EnrollException("the server's SVID does not validate: " + e.getMessage(), e);
    }
  }
}
