package dev.writ.state;

import dev.writ.core.Posture;
import dev.writ.core.SpiffeId;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What enrollment established about a node (docs/spec/enrollment.md sections 5 and 6): its
 * identity, the posture its evidence earned, the evidence kind and measured values, the advisory
 * facts it reported (never used in a decision), and the serial and expiry of the SVID issued to it.
 * Immutable.
 *
 * @param kind the evidence kind's wire name ({@code tpm2}, {@code sev-snp}, {@code tdx}); absent
 *     when no evidence was presented
 * @param measurements measured values by name (e.g. {@code sha256:16}, or the name of a SEV-SNP
 *     launch measurement), lowercase hex
 * @param serial the SVID serial number, lowercase hex without leading zeros
 * @param notAfter the SVID's expiry, Unix seconds
 */
public record NodeRegistration(
    SpiffeId node,
    Posture posture,
    Optional<String> kind,
    SortedMap<String, String> measurements,
    SortedMap<String, String> advisory,
    String serial,
    long notAfter) {

  /** At most this many measured values: two PCR banks of 24. */
  public static final int MAX_VALUES = 48;

  /** At most this many advisory facts (enrollment.md section 5.2 defines three). */
  public static final int MAX_ADVISORY = 8;

  /** Names and values are short: a PCR name, a 96-hex-digit measurement, a 128-byte fact. */
  public static final int MAX_VALUE_CHARS = 128;

  public NodeRegistration {
    measurements = Collections.unmodifiableSortedMap(new TreeMap<>(measurements));
    advisory = Collections.unmodifiableSortedMap(new TreeMap<>(advisory));
    checkValues(measurements, MAX_VALUES, "measurements");
    checkValues(advisory, MAX_ADVISORY, "advisory");
    checkSerial(serial);
    if (notAfter < 0) {
      throw new IllegalArgumentException("notAfter is non-negative Unix seconds");
    }
    if (posture.attested() != kind.isPresent()) {
      throw new IllegalArgumentException(
          "an attested posture needs an evidence kind, degraded none");
    }
  }

  static void checkValues(SortedMap<String, String> values, int max, String what) {
    if (values.size() > max) {
      throw new IllegalArgumentException(what + ": at most " + max + " values");
    }
    values.forEach(
        (k, v) -> {
          if (!printable(k) || !printable(v) || k.isEmpty()) {
            throw new IllegalArgumentException(
                what + ": names and values are 1.." + MAX_VALUE_CHARS + " printable ASCII");
          }
        });
  }

  private static boolean printable(String s) {
    return s.length() <= MAX_VALUE_CHARS && s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  /** A serial is 1 to 40 lowercase hex digits without a leading zero (a positive integer). */
  static void checkSerial(String serial) {
    if (serial.isEmpty()
        || serial.length() > 40
        || serial.charAt(0) == '0'
        || !serial.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException("serial is 1..40 lowercase hex digits, no leading zero");
    }
  }
}
