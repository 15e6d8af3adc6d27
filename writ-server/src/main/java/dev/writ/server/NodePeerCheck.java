package dev.writ.server;

import dev.writ.identity.svid.X509Svid;
import dev.writ.identity.tls.PeerCheck;
import dev.writ.identity.tls.PeerRefusal;
import dev.writ.identity.tls.PeerRefusedException;
import dev.writ.state.NodeRecord;
import dev.writ.state.RegistryView;
import java.time.Clock;
import java.util.Optional;

/**
 * The server's per-handshake check of a node (docs/spec/enrollment.md section 7): the SVID's SPIFFE
 * ID is a registered node, its serial is that node's current serial or its previous one before
 * expiry, and the serial is not revoked. Reads this replica's registry; the revocation epoch is the
 * registry's.
 *
 * <p>Thread-safe: the registry view is.
 */
final class NodePeerCheck implements PeerCheck {
  private final RegistryView registry;
  private final Clock clock;

  NodePeerCheck(RegistryView registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public void check(X509Svid peer) throws PeerRefusedException {
    String serial = peer.serial().toString(16);
    Optional<NodeRecord> node = registry.node(peer.id());
    if (node.isEmpty() || !node.get().holdsSerial(serial, clock.instant().getEpochSecond())) {
      throw new PeerRefusedException(
          PeerRefusal.UNKNOWN_NODE, peer.id() + " serial " + serial + " is not an enrolled SVID");
    }
    if (registry.revoked(serial)) {
      throw new PeerRefusedException(
          PeerRefusal.REVOKED,
          peer.id() + " serial " + serial + " is revoked (epoch " + registry.epoch() + ")");
    }
  }
}
