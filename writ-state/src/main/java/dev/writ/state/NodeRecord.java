package dev.writ.state;

import dev.writ.core.WritId;
import java.util.Optional;

/**
 * A registered node as the replicated registry holds it: the latest registration, the SVID serial
 * it replaced at the last renewal (still accepted until its own expiry), the enrolling writ and
 * when the node enrolled (log time). Immutable.
 */
public record NodeRecord(
    NodeRegistration registration,
    Optional<String> previousSerial,
    long previousNotAfter,
    WritId enrolledBy,
    long enrolledAt) {

  /**
   * Whether {@code serial} is one this node may present at {@code now}: its current serial, or its
   * previous one before that certificate's expiry. Revocation is checked separately.
   */
  public boolean holdsSerial(String serial, long now) {
    return registration.serial().equals(serial)
        || (previousSerial.isPresent()
            && previousSerial.get().equals(serial)
            && now < previousNotAfter);
  }
}
