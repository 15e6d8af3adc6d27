package dev.writ.server;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;
import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.tpm.CredentialChallenge;
import dev.writ.identity.tpm.MakeCredential;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Issues the attestation challenge of enrollment and renewal (docs/spec/enrollment.md sections 3.2
 * and 3.4): a fresh nonce and, for a TPM, a TPM2_MakeCredential of a fresh secret to the EK of the
 * node's EK certificate for its AK, so only a TPM holding both can recover the secret. The EK chain
 * itself is checked against the root's authorities when the evidence arrives.
 *
 * <p>Thread-safe: {@link Challenges} is.
 */
final class ChallengeIssuer {
  private final Challenges challenges;

  ChallengeIssuer(Challenges challenges) {
    this.challenges = challenges;
  }

  /**
   * Records a challenge for {@code node} (and the enroll writ {@code writ}, empty for a renewal)
   * and answers it.
   *
   * @throws AttestationException if the TPM members cannot make a credential
   */
  Reply issue(Optional<WritId> writ, SpiffeId node, EnrollBodies.EvidenceRequest request)
      throws AttestationException {
    Optional<CredentialChallenge> credential = Optional.empty();
    if (request.kind().equals("tpm2")) {
      credential = Optional.of(credential(request.ekChain(), request.akPublic().orElseThrow()));
    }
    byte[] nonce = challenges.newNonce();
    Instant expires =
        challenges.put(
            nonce, writ, node, request.kind(), credential.map(CredentialChallenge::expected));
    return Reply.challenge(nonce, expires, credential);
  }

  private CredentialChallenge credential(List<byte[]> ekChain, byte[] akPublic)
      throws AttestationException {
    List<X509Certificate> chain = EvidenceChecker.certificates(ekChain);
    if (chain.isEmpty()) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_MALFORMED, "ek_chain has no EK certificate");
    }
    return MakeCredential.make(chain.get(0), akPublic, challenges.random());
  }
}
