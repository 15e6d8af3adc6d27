package dev.writ.identity.tls;

import dev.writ.core.SpiffeId;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * One refused handshake, for counting and auditing. {@code claimedId} and {@code serial} come from
 * the peer's leaf as presented and are not verified when the refusal is a validation failure: log
 * them, never act on them. Immutable.
 *
 * @param code the stable reason
 * @param claimedId the SPIFFE ID the peer's leaf claims, if it carries exactly one
 * @param serial the serial of the peer's leaf, if it presented one
 * @param detail a one-line explanation
 */
public record Refusal(
    PeerRefusal code, Optional<SpiffeId> claimedId, Optional<BigInteger> serial, String detail) {
  public Refusal {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(claimedId, "claimedId");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(detail, "detail");
  }
}
