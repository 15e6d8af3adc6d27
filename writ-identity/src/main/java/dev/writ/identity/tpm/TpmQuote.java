package dev.writ.identity.tpm;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Tpm2Tools#quote} returns: the signed TPMS_ATTEST, its TPMT_SIGNATURE and the values
 * of the quoted PCRs. Immutable: arrays are copied in and out.
 */
@SuppressWarnings("ArrayRecordComponent") // cloned in and out
public record TpmQuote(byte[] quote, byte[] signature, PcrValues pcrs) {
  public TpmQuote {
    quote = quote.clone();
    signature = signature.clone();
    Objects.requireNonNull(pcrs, "pcrs");
  }

  @Override
  public byte[] quote() {
    return quote.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The evidence a node sends: this quote with its EK chain, AK and the recovered credential. */
  public TpmEvidence evidence(
      List<X509Certificate> ekChain, byte[] akPublic, byte[] activationSecret) {
    return new TpmEvidence(ekChain, akPublic, quote, signature, pcrs, activationSecret);
  }
}
