package dev.writ.identity.tpm;

import dev.writ.identity.Authority;
import java.util.SortedMap;

/**
 * A TPM quote that {@link TpmQuoteVerifier#verify} accepted: only the verifier makes one. Carries
 * what the server records as the node's posture. Immutable.
 */
public final class TpmAttestation {
  private final Authority authority;
  private final TpmName akName;
  private final PcrValues pcrs;

  TpmAttestation(Authority authority, TpmName akName, PcrValues pcrs) {
    this.authority = authority;
    this.akName = akName;
    this.pcrs = pcrs;
  }

  /** The listed authority the endorsement key chains to. */
  public Authority authority() {
    return authority;
  }

  /**
   * Whether the authority is marked software (swtpm's local CA): posture {@code attested-software},
   * never {@code attested}.
   */
  public boolean software() {
    return authority.software();
  }

  /** The attestation key's Name: the key the quote was verified with. */
  public TpmName akName() {
    return akName;
  }

  /** The quoted PCR values (every PCR in the quote's selection), lowercase hex. */
  public SortedMap<PcrId, String> pcrs() {
    return pcrs.hex();
  }

  @Override
  public String toString() {
    return "TpmAttestation[authority="
        + authority.fingerprint()
        + ", software="
        + software()
        + ", ak="
        + akName
        + ", pcrs="
        + pcrs.size()
        + "]";
  }
}
