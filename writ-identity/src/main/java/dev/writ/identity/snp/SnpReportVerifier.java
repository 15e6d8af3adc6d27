package dev.writ.identity.snp;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import dev.writ.identity.Authority;
import dev.writ.identity.ChainVerifier;
import dev.writ.identity.QuoteKind;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Verifies an AMD SEV-SNP attestation report against its VCEK (or VLEK) certificate chain, the
 * expected report data and a policy. Void-or-throw, top-down: the first failing check decides the
 * code (docs/spec/attestation-sev-snp.md lists them). For any report bytes the only exception is
 * {@link AttestationException}. Stateless and thread-safe.
 */
public final class SnpReportVerifier {
  /** Length of REPORT_DATA, and so of the expected nonce binding. */
  public static final int REPORT_DATA_SIZE = SnpReport.REPORT_DATA_SIZE;

  private SnpReportVerifier() {}

  /**
   * Verifies a report.
   *
   * @param report the raw ATTESTATION_REPORT ({@link SnpReport#SIZE} bytes)
   * @param chain the signing key's certificate first (VCEK or VLEK), then ASK or ASVK, then ARK
   * @param expectedReportData the 64 bytes the report must carry as REPORT_DATA
   * @param policy the authorities and requirements
   * @param now the instant at which every certificate up to the authority must be valid
   * @return the accepted report, with the authority its chain reached
   * @throws AttestationException with the code of the first check that fails
   * @throws IllegalArgumentException if {@code expectedReportData} is not 64 bytes (a caller bug)
   */
  public static VerifiedSnpReport verify(
      byte[] report,
      List<X509Certificate> chain,
      byte[] expectedReportData,
      SnpPolicy policy,
      Instant now)
      throws AttestationException {
    if (expectedReportData.length != REPORT_DATA_SIZE) {
      throw new IllegalArgumentException(
          "expected report data is "
              + REPORT_DATA_SIZE
              + " bytes, got "
              + expectedReportData.length);
    }
    SnpReport parsed = SnpReport.parse(report);
    Authority authority = ChainVerifier.verify(chain, QuoteKind.SEV_SNP, policy.authorities(), now);
    X509Certificate signingKey = chain.getFirst();
    SnpSignatureCheck.verify(parsed, signingKey);
    SnpEndorsementCheck.verify(parsed, signingKey);
    checkReportData(parsed, expectedReportData);
    SnpPolicyCheck.verify(parsed, policy);
    return new VerifiedSnpReport(authority, parsed);
  }

  private static void checkReportData(SnpReport report, byte[] expected)
      throws AttestationException {
    if (!MessageDigest.isEqual(report.reportData(), expected)) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_NONCE_MISMATCH,
          "the report's REPORT_DATA is not the expected nonce binding");
    }
  }
}
