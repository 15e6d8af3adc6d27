package dev.writ.identity.snp;

/**
 * Which key the firmware says signed a report: the SIGNING_KEY field, bits 4:2 of the report's word
 * at offset 0x48 (SEV-SNP ABI specification). Values 2 to 6 are reserved and refused by the parser.
 * Closed set.
 */
public enum SnpSigningKey {
  /** The Versioned Chip Endorsement Key: per chip and per reported TCB. */
  VCEK,
  /** The Versioned Loaded Endorsement Key: per cloud provider and reported TCB. */
  VLEK,
  /** The report is not signed. */
  NONE;

  static SnpSigningKey fromField(int value) {
    return switch (value) {
      case 0 -> VCEK;
      case 1 -> VLEK;
      case 7 -> NONE;
      default -> throw new IllegalArgumentException("reserved SIGNING_KEY value " + value);
    };
  }
}
