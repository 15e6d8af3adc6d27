package dev.writ.identity.tdx;

import dev.writ.identity.Authority;
import java.security.cert.X509CRL;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What a TDX quote must satisfy beyond its signatures: the attestation authorities (the Intel SGX
 * Root CA by fingerprint) the PCK chain must reach, whether debug TDs are accepted, which MRTD
 * values are allowed, and the CRLs the PCK chain is checked against.
 *
 * <p>{@link #of} is the strict default: debug TDs refused, any MRTD, no CRLs. An empty {@code
 * allowedMrTds} means any MRTD (the TD image is then not pinned); a non-empty set allows exactly
 * its members. Immutable and thread-safe.
 *
 * @param authorities the authorities the trust root's policy lists; only those of kind {@code tdx}
 *     anchor a TDX quote
 * @param allowDebug accept a TD whose TDATTRIBUTES DEBUG bit is set (development only)
 * @param allowedMrTds MRTD values allowed, 96 lowercase hex digits each; empty allows any
 * @param crls CRLs (Intel PCS PCK CA and Root CA CRLs) the PCK chain is checked against
 */
public record TdxPolicy(
    List<Authority> authorities, boolean allowDebug, Set<String> allowedMrTds, List<X509CRL> crls) {

  public TdxPolicy {
    authorities = List.copyOf(authorities);
    allowedMrTds = Set.copyOf(allowedMrTds);
    crls = List.copyOf(crls);
    for (String mrTd : allowedMrTds) {
      if (!isMeasurementHex(mrTd)) {
        throw new IllegalArgumentException("an allowed MRTD is 96 lowercase hex digits: " + mrTd);
      }
    }
  }

  /** The strict default for {@code authorities}: no debug TDs, any MRTD, no CRLs. */
  public static TdxPolicy of(Collection<Authority> authorities) {
    return new TdxPolicy(List.copyOf(authorities), false, Set.of(), List.of());
  }

  /** This policy, also accepting debug TDs. */
  public TdxPolicy allowingDebug() {
    return new TdxPolicy(authorities, true, allowedMrTds, crls);
  }

  /** This policy, allowing only these MRTD values (an empty set allows any). */
  public TdxPolicy withAllowedMrTds(Set<String> mrTds) {
    return new TdxPolicy(authorities, allowDebug, mrTds, crls);
  }

  /** This policy, checking the PCK chain against these CRLs. */
  public TdxPolicy withCrls(List<X509CRL> revocationLists) {
    return new TdxPolicy(authorities, allowDebug, allowedMrTds, revocationLists);
  }

  private static boolean isMeasurementHex(String s) {
    return s.length() == 2 * TdReport.MEASUREMENT_BYTES
        && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
}
