package dev.writ.identity.tls;

import dev.writ.identity.svid.X509Svid;

/**
 * The per-handshake decision on a peer whose SVID is already valid (chain, profile, time, trust
 * domain): the server plugs its node registry and the revocation epoch in here. Called on every
 * handshake, never skipped by session resumption ({@link SvidServerTrustManager}). Implementations
 * must be thread-safe and fast (they run on the handshake path) and should throw with {@link
 * PeerRefusal#UNKNOWN_NODE} or {@link PeerRefusal#REVOKED}; an unchecked exception is treated as
 * {@link PeerRefusal#PEER_CHECK_ERROR} and refuses the peer too.
 */
@FunctionalInterface
public interface PeerCheck {
  /** Returns to accept {@code peer}; throws to refuse it. */
  void check(X509Svid peer) throws PeerRefusedException;
}
