package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.util.Comparator;
import java.util.Objects;

/**
 * One PCR: a bank (hash algorithm) and an index from 0 to 31. Written {@code sha256:16}. Ordered by
 * bank, then index. Immutable.
 */
public record PcrId(TpmHash bank, int index) implements Comparable<PcrId> {
  private static final Comparator<PcrId> ORDER =
      Comparator.comparing(PcrId::bank).thenComparingInt(PcrId::index);

  /** Highest index (the selection bitmap Writ accepts has 4 bytes, see TpmLimits). */
  public static final int MAX_INDEX = TpmLimits.MAX_PCR_INDEX;

  public PcrId {
    Objects.requireNonNull(bank, "bank");
    if (index < 0 || index > MAX_INDEX) {
      throw new IllegalArgumentException("a PCR index is 0 to " + MAX_INDEX + ", got " + index);
    }
  }

  /**
   * Parses {@code bank:index}, for example {@code sha256:16}.
   *
   * @throws AttestationException {@code ATTESTATION_MALFORMED} for anything else
   */
  public static PcrId parse(String s) throws AttestationException {
    int colon = s.indexOf(':');
    if (colon > 0 && colon < s.length() - 1 && colon >= s.length() - 3) {
      String digits = s.substring(colon + 1);
      TpmHash bank = TpmHash.fromBankName(s.substring(0, colon)).orElse(null);
      if (bank != null && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        int index = Integer.parseInt(digits);
        if (index <= MAX_INDEX && String.valueOf(index).equals(digits)) {
          return new PcrId(bank, index);
        }
      }
    }
    throw new AttestationException(
        AttestationFailure.ATTESTATION_MALFORMED,
        "a PCR is written bank:index (sha1, sha256, sha384 or sha512; 0 to " + MAX_INDEX + ")");
  }

  @Override
  public int compareTo(PcrId o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return bank.bankName() + ":" + index;
  }
}
