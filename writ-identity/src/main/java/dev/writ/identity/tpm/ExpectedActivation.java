package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * What the server keeps after {@link MakeCredential}: the credential it sealed, the endorsement key
 * it sealed it to, and the attestation key Name it bound it to. The evidence that answers the
 * challenge must name the same keys and return the same credential. The secret never prints; {@link
 * #revealSecret()} is the one door to its bytes. Immutable.
 */
public final class ExpectedActivation {
  private final TpmName akName;
  private final PublicKey ekPublicKey;
  private final byte[] secret;

  private ExpectedActivation(TpmName akName, PublicKey ekPublicKey, byte[] secret) {
    this.akName = Objects.requireNonNull(akName, "akName");
    this.ekPublicKey = Objects.requireNonNull(ekPublicKey, "ekPublicKey");
    this.secret = secret.clone();
  }

  /**
   * Rebuilds an expectation the server stored (for example across a restart between the two
   * enrollment round trips).
   */
  public static ExpectedActivation restore(TpmName akName, PublicKey ekPublicKey, byte[] secret) {
    if (secret.length == 0 || secret.length > TpmLimits.MAX_CREDENTIAL_BYTES) {
      throw new IllegalArgumentException(
          "a credential has 1 to " + TpmLimits.MAX_CREDENTIAL_BYTES + " bytes");
    }
    return new ExpectedActivation(akName, ekPublicKey, secret);
  }

  /** The attestation key the credential is bound to. */
  public TpmName akName() {
    return akName;
  }

  /** The endorsement key the credential's seed is encrypted to. */
  public PublicKey ekPublicKey() {
    return ekPublicKey;
  }

  /** The credential itself, for storage only; compare with the verifier, never by hand. */
  public byte[] revealSecret() {
    return secret.clone();
  }

  /**
   * Requires the evidence to name the same keys and to return the credential.
   *
   * @throws AttestationException {@code ATTESTATION_KEY_UNBOUND}
   */
  void check(TpmName evidenceAk, X509Certificate ekCertificate, byte[] recovered)
      throws AttestationException {
    if (!akName.equals(evidenceAk)) {
      throw unbound("the attestation key is not the one the credential was made for");
    }
    if (!MessageDigest.isEqual(
        ekCertificate.getPublicKey().getEncoded(), ekPublicKey.getEncoded())) {
      throw unbound("the endorsement key is not the one the credential was made for");
    }
    if (!MessageDigest.isEqual(recovered, secret)) {
      throw unbound(
          "the recovered credential is wrong: the attestation key is not shown to be in the TPM"
              + " that holds the endorsement key");
    }
  }

  private static AttestationException unbound(String detail) {
    return new AttestationException(AttestationFailure.ATTESTATION_KEY_UNBOUND, detail);
  }

  @Override
  public String toString() {
    return "ExpectedActivation[ak=" + akName + ", secret=(hidden)]";
  }
}
