package dev.writ.identity.tls;

import java.util.Objects;

/**
 * A {@link PeerCheck} refused a peer whose SVID is valid. Carries a stable {@link PeerRefusal} and
 * a one-line detail. The only checked exception of {@link PeerCheck}.
 */
public final class PeerRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final PeerRefusal refusal;

  public PeerRefusedException(PeerRefusal refusal, String detail) {
    super(Objects.requireNonNull(detail, "detail"));
    this.refusal = Objects.requireNonNull(refusal, "refusal");
  }

  /** The stable code. */
  public PeerRefusal refusal() {
    return refusal;
  }
}
