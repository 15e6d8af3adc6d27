package dev.writ.identity.tpm;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * PCR values by PCR: what a node reports next to its quote, or what a policy requires. Each value
 * has its bank's digest size. Immutable and thread-safe.
 */
public final class PcrValues {
  private static final PcrValues EMPTY = new PcrValues(new TreeMap<>());

  private final SortedMap<PcrId, byte[]> values;

  private PcrValues(SortedMap<PcrId, byte[]> values) {
    this.values = values;
  }

  /** No PCR. As a policy: no PCR value is required. */
  public static PcrValues empty() {
    return EMPTY;
  }

  /**
   * Copies {@code values}.
   *
   * @throws AttestationException {@code ATTESTATION_OVERSIZE} for more than 128 values, {@code
   *     ATTESTATION_MALFORMED} for a value whose size is not its bank's digest size
   */
  public static PcrValues of(Map<PcrId, byte[]> values) throws AttestationException {
    if (values.size() > TpmLimits.MAX_PCR_VALUES) {
      throw new AttestationException(
          AttestationFailure.ATTESTATION_OVERSIZE,
          values.size() + " PCR values, more than " + TpmLimits.MAX_PCR_VALUES);
    }
    SortedMap<PcrId, byte[]> copy = new TreeMap<>();
    for (Map.Entry<PcrId, byte[]> e : values.entrySet()) {
      if (e.getValue().length != e.getKey().bank().size()) {
        throw new AttestationException(
            AttestationFailure.ATTESTATION_MALFORMED,
            "PCR "
                + e.getKey()
                + " has "
                + e.getValue().length
                + " bytes, not a digest of its bank");
      }
      copy.put(e.getKey(), e.getValue().clone());
    }
    return new PcrValues(copy);
  }

  /** The value of {@code pcr}, if present. */
  public Optional<byte[]> get(PcrId pcr) {
    byte[] v = values.get(pcr);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  /** The PCRs present, in order. */
  public SortedSet<PcrId> ids() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(values.keySet()));
  }

  /** Number of values. */
  public int size() {
    return values.size();
  }

  /** Whether there are no values. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The values in lowercase hex, in order: what the server records as a node's posture. */
  public SortedMap<PcrId, String> hex() {
    SortedMap<PcrId, String> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, HexFormat.of().formatHex(v)));
    return Collections.unmodifiableSortedMap(out);
  }

  /** The stored value itself, for this package's digest computation. */
  byte[] raw(PcrId pcr) {
    return values.get(pcr);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PcrValues p && hex().equals(p.hex());
  }

  @Override
  public int hashCode() {
    return hex().hashCode();
  }

  @Override
  public String toString() {
    return hex().toString();
  }
}
