package dev.writ.identity.snp;

import dev.writ.identity.Authority;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the trust root's policy requires of an SEV-SNP report: the authorities (AMD ARK certificates
 * by fingerprint) that may anchor the VCEK or VLEK chain, whether a guest launched with debugging
 * allowed is accepted, the minimum reported TCB per component, and the launch measurements allowed.
 *
 * <p>{@link #strict} is the starting point: debug refused, any measurement. {@code
 * allowedMeasurements} empty means any measurement is accepted (the enrollment protocol's rule for
 * fleets that do not pin guest images); a non-empty set admits exactly its members. Immutable and
 * thread-safe.
 *
 * @param authorities the authorities; only those of kind {@code SEV_SNP} are used
 * @param allowDebug whether a guest whose policy allows debugging is accepted
 * @param minimumTcb the lowest reported TCB accepted, compared component by component
 * @param allowedMeasurements launch measurements accepted, each 96 lowercase hex digits; empty
 *     accepts any
 */
public record SnpPolicy(
    List<Authority> authorities,
    boolean allowDebug,
    SnpTcb minimumTcb,
    Set<String> allowedMeasurements) {
  private static final int MEASUREMENT_HEX = 2 * SnpReport.MEASUREMENT_SIZE;

  public SnpPolicy {
    authorities = List.copyOf(authorities);
    Objects.requireNonNull(minimumTcb, "minimumTcb");
    allowedMeasurements = Set.copyOf(allowedMeasurements);
    for (String m : allowedMeasurements) {
      if (m.length() != MEASUREMENT_HEX
          || !m.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "an SEV-SNP measurement is " + MEASUREMENT_HEX + " lowercase hex digits");
      }
    }
  }

  /** Debug refused, any measurement, reported TCB at least {@code minimumTcb}. */
  public static SnpPolicy strict(Collection<Authority> authorities, SnpTcb minimumTcb) {
    return new SnpPolicy(List.copyOf(authorities), false, minimumTcb, Set.of());
  }

  /** This policy, accepting guests launched with debugging allowed. */
  public SnpPolicy withDebugAllowed() {
    return new SnpPolicy(authorities, true, minimumTcb, allowedMeasurements);
  }

  /** This policy, accepting only these launch measurements (lowercase hex). */
  public SnpPolicy withAllowedMeasurements(Set<String> measurements) {
    return new SnpPolicy(authorities, allowDebug, minimumTcb, measurements);
  }
}
