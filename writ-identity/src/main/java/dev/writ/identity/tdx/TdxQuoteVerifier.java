package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Authority;
import dev.writ.identity.ChainVerifier;
import dev.writ.identity.QuoteKind;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Verifies an Intel TDX quote (v4 or v5, ECDSA P-256) against a {@link TdxPolicy} and the expected
 * 64-byte REPORTDATA. The checks, in order, each with its failure code
 * (docs/spec/attestation-tdx.md):
 *
 * <ol>
 *   <li>size and structure: {@code ATTESTATION_OVERSIZE}, {@code ATTESTATION_MALFORMED};
 *   <li>the PCK chain reaches a listed TDX authority, and no supplied CRL revokes it: {@code
 *       ATTESTATION_UNTRUSTED};
 *   <li>the PCK leaf key signed the QE report: {@code ATTESTATION_BAD_SIGNATURE};
 *   <li>the QE report is from Intel's TD quoting enclave: {@code ATTESTATION_UNTRUSTED};
 *   <li>the QE report's REPORTDATA is SHA-256(attestation key || QE auth data) followed by 32 zero
 *       bytes, i.e. the QE certified the attestation key: {@code ATTESTATION_UNTRUSTED};
 *   <li>the attestation key signed header and body: {@code ATTESTATION_BAD_SIGNATURE};
 *   <li>REPORTDATA equals the expected bytes: {@code ATTESTATION_NONCE_MISMATCH};
 *   <li>the DEBUG attribute is off unless allowed, MRTD is allowed: {@code ATTESTATION_POLICY}.
 * </ol>
 *
 * <p>No exception other than {@link AttestationException} escapes for any quote bytes. Stateless
 * and thread-safe.
 */
public final class TdxQuoteVerifier {
  private static final HexFormat HEX = HexFormat.of();

  private TdxQuoteVerifier() {}

  /**
   * Verifies {@code quote}.
   *
   * @param quote the quote bytes as the TD produced them (bytes after the quote are ignored)
   * @param expectedReportData the 64 bytes REPORTDATA must equal (the enrollment nonce binding)
   * @param policy authorities, debug and MRTD rules, CRLs
   * @param now the instant certificates and CRLs are checked at
   * @return what was verified
   * @throws AttestationException with the code of the first check that fails
   * @throws IllegalArgumentException if {@code expectedReportData} is not 64 bytes (a caller bug)
   */
  public static VerifiedTdxQuote verify(
      byte[] quote, byte[] expectedReportData, TdxPolicy policy, Instant now)
      throws AttestationException {
    Objects.requireNonNull(quote, "quote");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(now, "now");
    if (expectedReportData.length != TdReport.REPORT_DATA_BYTES) {
      throw new IllegalArgumentException(
          "expected REPORTDATA is 64 bytes, got " + expectedReportData.length);
    }
    TdxQuote q = TdxQuote.parse(quote);
    Authority authority =
        ChainVerifier.verify(q.pckChain(), QuoteKind.TDX, policy.authorities(), now);
    PckRevocation.check(q.pckChain(), authority, policy.crls(), now);
    checkQeReportSignature(q);
    TdQeIdentity.check(q.qeReport());
    checkAttestationKeyBinding(q);
    P256.verify(q.attestationPublicKey(), q.signedData(), q.signature(), "quote signature");
    checkReportData(q.body(), expectedReportData);
    checkPolicy(q.body(), policy);
    return new VerifiedTdxQuote(authority, q.version(), q.body());
  }

  private static void checkQeReportSignature(TdxQuote q) throws AttestationException {
    X509Certificate pck = q.pckChain().getFirst();
    PublicKey key = pck.getPublicKey();
    if (!P256.isP256(key)) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_BAD_SIGNATURE, "the PCK certificate's key is not P-256");
    }
    P256.verify(key, q.qeReport().raw(), q.qeReportSignature(), "QE report signature");
  }

  private static void checkAttestationKeyBinding(TdxQuote q) throws AttestationException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    sha256.update(q.attestationKey());
    sha256.update(q.qeAuthData());
    byte[] expected = Arrays.copyOf(sha256.digest(), TdReport.REPORT_DATA_BYTES);
    if (!MessageDigest.isEqual(q.qeReport().reportData(), expected)) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_UNTRUSTED,
          "the QE report does not certify the attestation key: its REPORTDATA is not"
              + " SHA-256(attestation key || QE auth data) padded with zeros");
    }
  }

  private static void checkReportData(TdReport body, byte[] expected) throws AttestationException {
    if (!MessageDigest.isEqual(body.reportData(), expected)) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_NONCE_MISMATCH,
          "the quote's REPORTDATA is not the expected nonce binding");
    }
  }

  private static void checkPolicy(TdReport body, TdxPolicy policy) throws AttestationException {
    if (body.debug() && !policy.allowDebug()) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_POLICY,
          "the TD is a debug TD (TDATTRIBUTES bit 0) and the policy does not allow debug");
    }
    String mrTd = HEX.formatHex(body.mrTd());
    if (!policy.allowedMrTds().isEmpty() && !policy.allowedMrTds().contains(mrTd)) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_POLICY, "MRTD " + mrTd + " is not allowed by the policy");
    }
  }
}
