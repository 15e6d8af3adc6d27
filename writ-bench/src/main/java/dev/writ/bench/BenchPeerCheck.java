package dev.writ.bench;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.X509Svid;
import dev.writ.identity.tls.PeerCheck;
import dev.writ.identity.tls.PeerRefusal;
import dev.writ.identity.tls.PeerRefusedException;
import dev.writ.identity.tls.RevocationEpoch;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer check the server will run on each handshake, for {@code scripts/bench handshake}: a node
 * registry lookup by SPIFFE ID (the enrolled SVID's serial must match) and a lookup of the serial
 * in the current revocation epoch. Filled with synthetic nodes and revoked serials so the maps have
 * a realistic size. Thread-safe.
 */
final class BenchPeerCheck implements PeerCheck {
  private final Map<SpiffeId, BigInteger> enrolled = new ConcurrentHashMap<>();
  private volatile RevocationEpoch epoch;

  BenchPeerCheck(String trustDomain, int syntheticNodes, int revokedSerials, SecureRandom random) {
    for (int i = 0; i < syntheticNodes; i++) {
      enrolled.put(new SpiffeId(trustDomain, "/node/synthetic-" + i), new BigInteger(128, random));
    }
    Set<BigInteger> revoked = new HashSet<>();
    for (int i = 0; i < revokedSerials; i++) {
      revoked.add(new BigInteger(128, random));
    }
    epoch = new RevocationEpoch(1, revoked);
  }

  void enroll(X509Svid svid) {
    enrolled.put(svid.id(), svid.serial());
  }

  @Override
  public void check(X509Svid peer) throws PeerRefusedException {
    BigInteger current = enrolled.get(peer.id());
    if (current == null || !current.equals(peer.serial())) {
      throw new PeerRefusedException(PeerRefusal.UNKNOWN_NODE, peer.id() + " is not enrolled");
    }
    RevocationEpoch e = epoch;
    if (e.revoked(peer.serial())) {
      throw new PeerRefusedException(PeerRefusal.REVOKED, "revoked at epoch " + e.epoch());
    }
  }
}
