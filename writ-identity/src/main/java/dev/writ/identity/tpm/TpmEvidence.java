package dev.writ.identity.tpm;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a node presents for TPM 2.0 attestation (docs/spec/attestation-tpm.md). Nothing in it is
 * trusted until {@link TpmQuoteVerifier#verify} returns. Immutable: arrays are copied in and out.
 *
 * @param ekChain the endorsement key certificate, then its issuers up to (at least) the authority
 *     the policy lists; leaf first
 * @param akPublic the attestation key's TPMT_PUBLIC
 * @param quote the TPMS_ATTEST that TPM2_Quote signed
 * @param signature the TPMT_SIGNATURE over {@code quote}
 * @param pcrs the values of the quoted PCRs, as the node read them
 * @param activationSecret the credential TPM2_ActivateCredential recovered from the server's
 *     challenge
 */
@SuppressWarnings("ArrayRecordComponent") // cloned in and out
public record TpmEvidence(
    List<X509Certificate> ekChain,
    byte[] akPublic,
    byte[] quote,
    byte[] signature,
    PcrValues pcrs,
    byte[] activationSecret) {
  public TpmEvidence {
    ekChain = List.copyOf(ekChain);
    akPublic = akPublic.clone();
    quote = quote.clone();
    signature = signature.clone();
    Objects.requireNonNull(pcrs, "pcrs");
    activationSecret = activationSecret.clone();
  }

  @Override
  public byte[] akPublic() {
    return akPublic.clone();
  }

  @Override
  public byte[] quote() {
    return quote.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public byte[] activationSecret() {
    return activationSecret.clone();
  }

  @Override
  public String toString() {
    return "TpmEvidence[ekChain=" + ekChain.size() + " certificates, quote=" + quote.length + "B]";
  }
}
