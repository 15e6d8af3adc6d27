package dev.writ.identity;

import java.util.Objects;

/**
 * One attestation authority the trust root's policy lists: a certificate (by fingerprint) that may
 * anchor evidence of one kind. {@code software} marks an authority for software TPMs (swtpm's local
 * CA, for development fleets and the quickstart); evidence it anchors yields posture {@code
 * attested-software}, never {@code attested}.
 */
public record Authority(QuoteKind kind, Fingerprint fingerprint, boolean software) {
  public Authority {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(fingerprint, "fingerprint");
    if (software && kind != QuoteKind.TPM2) {
      throw new IllegalArgumentException("only a TPM authority can be marked software");
    }
  }
}
