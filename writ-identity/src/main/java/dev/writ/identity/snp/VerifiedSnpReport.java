package dev.writ.identity.snp;

import dev.writ.identity.Authority;
import java.util.HexFormat;

/**
 * An SEV-SNP report that {@link SnpReportVerifier} accepted: its chain reached {@link
 * #authority()}, its signature verified under the VCEK or VLEK, that key's certificate matches the
 * reported TCB (and, for a VCEK, the chip id), its report data equals the expected nonce binding,
 * and it meets the policy. Only the verifier constructs one. The accessors are what the server
 * records as the node's posture.
 *
 * <p>Immutable and thread-safe.
 */
public final class VerifiedSnpReport {
  private final Authority authority;
  private final SnpReport report;

  VerifiedSnpReport(Authority authority, SnpReport report) {
    this.authority = authority;
    this.report = report;
  }

  /** The policy authority (an AMD ARK) the certificate chain reached. */
  public Authority authority() {
    return authority;
  }

  /** The whole parsed report. */
  public SnpReport report() {
    return report;
  }

  /** The launch measurement, 96 lowercase hex digits. */
  public String measurementHex() {
    return HexFormat.of().formatHex(report.measurement());
  }

  /** The reported TCB the signing key was derived for. */
  public SnpTcb reportedTcb() {
    return report.reportedTcb();
  }

  /** The chip id, 128 lowercase hex digits (zeros if the host masked it under a VLEK). */
  public String chipIdHex() {
    return HexFormat.of().formatHex(report.chipId());
  }

  /** The guest policy bits the guest was launched with. */
  public SnpGuestPolicy guestPolicy() {
    return report.guestPolicy();
  }

  /** Whether a VCEK or a VLEK signed the report. */
  public SnpSigningKey signingKey() {
    return report.signingKey();
  }

  /** The privilege level that requested the report. */
  public long vmpl() {
    return report.vmpl();
  }

  @Override
  public String toString() {
    return "VerifiedSnpReport[authority="
        + authority.fingerprint()
        + " measurement="
        + measurementHex()
        + " reportedTcb="
        + reportedTcb()
        + " policy="
        + guestPolicy()
        + "]";
  }
}
