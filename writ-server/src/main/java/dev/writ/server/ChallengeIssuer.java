package dev.writ.server;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.tpm.CredentialChallenge;
import dev.writ.identity.tpm.MakeCredential;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TPM half of an enrollment challenge (docs/spec/enrollment.md section 3.2): a
 * TPM2_MakeCredential of a fresh secret to the EK of the node's EK certificate for its AK, so only
 * a TPM holding both can recover the secret. The EK chain itself is checked against the root's
 * authorities when the evidence arrives.
 *
 * <p>Thread-safe: stateless apart from the challenges' randomness.
 */
final class TpmChallenge {
  private final Challenges challenges;

  TpmChallenge(Challenges challenges) {
    this.challenges = challenges;
  }

  CredentialChallenge make(List<byte[]> ekChain, byte[] akPublic) throws AttestationException {
    List<X509Certificate> chain = EvidenceChecker.certificates(ekChain);
    if (chain.isEmpty()) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_MALFORMED, "ek_chain has no EK certificate");
    }
    return MakeCredential.make(chain.get(0), akPublic, challenges.random());
  }
}
