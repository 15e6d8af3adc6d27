package dev.writ.agent;

import dev.writ.identity.svid.SvidCredentials;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidPem;
import dev.writ.identity.svid.SvidValidator;
import dev.writ.identity.svid.TrustBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The node's own SVID key (docs/spec/enrollment.md section 1): a fresh P-256 key per enrollment or
 * renewal that never leaves the agent, its CSR, and the issued SVID validated and joined to it.
 *
 * <p>Thread-safe: stateless.
 */
final class NodeKeys {
  private NodeKeys() {}

  static KeyPair generate(SecureRandom random) throws EnrollException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new EnrollException("cannot generate a P-256 key", e);
    }
  }

  /** A PKCS#10 request for {@code keys}; the server ignores the subject and certifies the key. */
  static byte[] csr(KeyPair keys, String name) throws EnrollException {
    try {
      return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + name), keys.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
          .getEncoded();
    } catch (OperatorCreationException | IOException e) {
      throw new EnrollException("cannot build the CSR", e);
    }
  }

  /**
   * The server's {@code svid} PEM validated against {@code bundle} at {@code now} and paired with
   * the private key it must certify.
   */
  static SvidCredentials credentials(String svidPem, KeyPair keys, TrustBundle bundle, Instant now)
      throws EnrollException {
    try {
      SvidPem.Parsed parsed =
          SvidPem.parse(
              svidPem.getBytes(StandardCharsets.US_ASCII),
              PemKeys.pkcs8(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
      return SvidCredentials.of(
          SvidValidator.validate(parsed.chain(), bundle, now), parsed.privateKey());
    } catch (SvidException e) {
      throw new EnrollException("the server's SVID does not validate: " + e.getMessage(), e);
    }
  }
}
