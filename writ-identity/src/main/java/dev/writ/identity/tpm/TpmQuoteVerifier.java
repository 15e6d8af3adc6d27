package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Authority;
import dev.writ.identity.ChainVerifier;
import dev.writ.identity.QuoteKind;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Verifies TPM 2.0 evidence top-down (docs/spec/attestation-tpm.md): sizes, parsing, the EK chain,
 * the attestation key's attributes, its binding to the EK by credential activation, the quote's
 * signature, its qualifying data, and its PCRs. Void-or-throw: every refusal is an {@link
 * AttestationException} with a stable code, for any input bytes. Stateless and thread-safe.
 */
public final class TpmQuoteVerifier {
  /** Bytes of qualifying data the enrollment protocol puts in a quote: the server's nonce. */
  public static final int NONCE_BYTES = TpmLimits.NONCE_BYTES;

  private TpmQuoteVerifier() {}

  /**
   * Verifies {@code evidence} against a challenge the server issued and the trust root's policy.
   *
   * @param expectedNonce the 32-byte nonce the server sent (the quote's qualifying data)
   * @param expected what {@link MakeCredential} returned for this node's EK and AK
   * @param now the time certificate validity is checked at
   * @return the accepted attestation, with the authority and the quoted PCR values
   * @throws AttestationException with the code of the first failing check
   */
  public static TpmAttestation verify(
      TpmEvidence evidence,
      byte[] expectedNonce,
      ExpectedActivation expected,
      TpmPolicy policy,
      Instant now)
      throws AttestationException {
    if (expectedNonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("the expected nonce has " + NONCE_BYTES + " bytes");
    }
    checkSizes(evidence);
    Parsed p = parse(evidence.akPublic(), evidence.quote(), evidence.signature());
    Authority authority =
        ChainVerifier.verify(evidence.ekChain(), QuoteKind.TPM2, policy.authorities(), now);
    p.ak.checkAttestationKey();
    expected.check(p.ak.name(), evidence.ekChain().get(0), evidence.activationSecret());
    p.signature.verify(p.ak, evidence.quote());
    checkNonce(p.info, expectedNonce);
    checkPcrs(p.info, p.signature.hash(), evidence.pcrs(), policy.requiredPcrs());
    return new TpmAttestation(authority, p.ak.name(), evidence.pcrs());
  }

  /**
   * The quote steps alone, for evidence without an EK chain (third-party samples): parses the
   * attestation key, quote and signature, checks the key's attributes, the signature, the
   * qualifying data and that {@code reported} are exactly the quoted PCRs with the quoted digest.
   * Says nothing about which TPM made the quote: never use it to admit a node.
   *
   * @throws AttestationException with the code of the first failing check
   */
  public static void verifyQuote(
      byte[] akPublic, byte[] quote, byte[] signature, PcrValues reported, byte[] expectedExtraData)
      throws AttestationException {
    Parsed p = parse(akPublic, quote, signature);
    p.ak.checkAttestationKey();
    p.signature.verify(p.ak, quote);
    checkNonce(p.info, expectedExtraData);
    checkPcrs(p.info, p.signature.hash(), reported, PcrValues.empty());
  }

  private record Parsed(TpmPublic ak, TpmQuoteInfo info, TpmSignature signature) {}

  private static void checkSizes(TpmEvidence e) throws AttestationException {
    oversize("the attestation key", e.akPublic().length, TpmLimits.MAX_PUBLIC_BYTES);
    oversize("the quote", e.quote().length, TpmLimits.MAX_ATTEST_BYTES);
    oversize("the signature", e.signature().length, TpmLimits.MAX_SIGNATURE_BYTES);
    oversize("the activation secret", e.activationSecret().length, TpmLimits.MAX_CREDENTIAL_BYTES);
  }

  private static void oversize(String what, int size, int max) throws AttestationException {
    if (size > max) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          what + " has " + size + " bytes, more than " + max);
    }
  }

  private static Parsed parse(byte[] akPublic, byte[] quote, byte[] signature)
      throws AttestationException {
    return new Parsed(
        TpmPublic.parse(akPublic), TpmQuoteInfo.parse(quote), TpmSignature.parse(signature));
  }

  private static void checkNonce(TpmQuoteInfo info, byte[] expected) throws AttestationException {
    if (!MessageDigest.isEqual(info.extraData(), expected)) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_NONCE_MISMATCH,
          "the quote's qualifying data is not the nonce this challenge issued");
    }
  }

  /**
   * The quote covers the policy's PCRs; the reported values are exactly the quoted ones and digest
   * to the quote's pcrDigest; each required value matches.
   */
  private static void checkPcrs(
      TpmQuoteInfo info, TpmHash digestAlg, PcrValues reported, PcrValues required)
      throws AttestationException {
    List<PcrId> selected = info.selected();
    for (PcrId pcr : required.ids()) {
      if (!selected.contains(pcr)) {
        throw pcrMismatch("the quote does not cover PCR " + pcr + ", which the policy requires");
      }
    }
    if (!reported.ids().equals(new TreeSet<>(selected))) {
      throw pcrMismatch("the reported PCRs are not the quoted ones");
    }
    ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
    for (PcrId pcr : selected) {
      concatenated.writeBytes(reported.raw(pcr));
    }
    if (!MessageDigest.isEqual(digestAlg.digest(concatenated.toByteArray()), info.pcrDigest())) {
      throw pcrMismatch("the reported PCR values do not match the quote's digest");
    }
    for (PcrId pcr : required.ids()) {
      Optional<byte[]> want = required.get(pcr);
      if (want.isEmpty() || !MessageDigest.isEqual(reported.raw(pcr), want.get())) {
        throw pcrMismatch("PCR " + pcr + " is not the value the policy requires");
      }
    }
  }

  private static AttestationException pcrMismatch(String detail) {
    return new AttestationException(AttestationFailure.PCR_MISMATCH, detail);
  }
}
