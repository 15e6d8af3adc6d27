package dev.writ.identity.tls;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;

/**
 * A numbered snapshot of the revoked SVID serials: what the containment issue publishes and a
 * {@link PeerCheck} consults on every handshake. A later epoch has a larger number. Immutable and
 * thread-safe; publish a new one to revoke more.
 *
 * @param epoch the epoch number, 0 or more
 * @param revokedSerials the revoked leaf serials, unmodifiable
 */
public record RevocationEpoch(long epoch, Set<BigInteger> revokedSerials) {
  /** Epoch 0: nothing revoked. */
  public static final RevocationEpoch NONE = new RevocationEpoch(0, Set.of());

  public RevocationEpoch {
    if (epoch < 0) {
      throw new IllegalArgumentException("a revocation epoch is 0 or more");
    }
    revokedSerials = Set.copyOf(revokedSerials);
  }

  /** Whether {@code serial} is revoked in this epoch. */
  public boolean revoked(BigInteger serial) {
    return revokedSerials.contains(serial);
  }

  /** The next epoch: this one's serials and {@code serial}. */
  public RevocationEpoch revoke(BigInteger serial) {
    Set<BigInteger> next = new HashSet<>(revokedSerials);
    next.add(serial);
    return new RevocationEpoch(epoch + 1, next);
  }
}
