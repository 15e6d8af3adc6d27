package dev.writ.identity.snp;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.util.HexFormat;

/**
 * The policy step: debugging refused unless allowed, every reported TCB component at least the
 * minimum, and the measurement in the allowed set when the set is not empty. Stateless and
 * thread-safe.
 */
final class SnpPolicyCheck {
  private SnpPolicyCheck() {}

  static void verify(SnpReport report, SnpPolicy policy) throws AttestationException {
    if (report.guestPolicy().debugAllowed() && !policy.allowDebug()) {
      throw refused("the guest was launched with debugging allowed (policy bit 19)");
    }
    SnpTcb tcb = report.reportedTcb();
    SnpTcb min = policy.minimumTcb();
    atLeast("bootloader", tcb.bootloader(), min.bootloader());
    atLeast("tee", tcb.tee(), min.tee());
    atLeast("snp", tcb.snp(), min.snp());
    atLeast("microcode", tcb.microcode(), min.microcode());
    String measurement = HexFormat.of().formatHex(report.measurement());
    if (!policy.allowedMeasurements().isEmpty()
        && !policy.allowedMeasurements().contains(measurement)) {
      throw refused("launch measurement " + measurement + " is not an allowed measurement");
    }
  }

  private static void atLeast(String component, int reported, int minimum)
      throws AttestationException {
    if (reported < minimum) {
      throw refused(
          "reported TCB " + component + " level " + reported + " is below the minimum " + minimum);
    }
  }

  private static AttestationException refused(String detail) {
    return new AttestationException(AttestationFailure.ATTESTATION_POLICY, detail);
  }
}
