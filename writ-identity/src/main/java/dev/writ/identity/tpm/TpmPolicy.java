package dev.writ.identity.tpm;

import dev.writ.identity.Authority;
import java.util.List;
import java.util.Objects;

/**
 * What the trust root's policy requires of TPM evidence. Strict by default: an empty authority list
 * trusts no endorsement key. An empty PCR map requires no PCR value, but the values a node reports
 * are still checked against its quote. Immutable.
 *
 * @param authorities certificates that may anchor an EK chain; only those of kind {@code tpm2}
 *     count
 * @param requiredPcrs the value each listed PCR must have; every one must be quoted
 */
public record TpmPolicy(List<Authority> authorities, PcrValues requiredPcrs) {
  public TpmPolicy {
    authorities = List.copyOf(authorities);
    Objects.requireNonNull(requiredPcrs, "requiredPcrs");
  }
}
