package dev.writ.identity;

/** The kind of hardware evidence a node presents at enrollment and renewal. Closed set. */
public enum QuoteKind {
  /** A TPM 2.0 quote by an attestation key bound to an endorsement key. */
  TPM2("tpm2"),
  /** An AMD SEV-SNP attestation report signed by the chip's VCEK. */
  SEV_SNP("sev-snp"),
  /** An Intel TDX quote signed by the quoting enclave's attestation key. */
  TDX("tdx");

  private final String wire;

  QuoteKind(String wire) {
    this.wire = wire;
  }

  /** The name used in JSON (policy, enrollment requests, node records). */
  public String wire() {
    return wire;
  }

  /** The kind with this wire name. */
  public static java.util.Optional<QuoteKind> fromWire(String s) {
    for (QuoteKind k : values()) {
      if (k.wire.equals(s)) {
        return java.util.Optional.of(k);
      }
    }
    return java.util.Optional.empty();
  }
}
