package dev.writ.server;

import dev.writ.core.Reason;
import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidValidator;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.X509Svid;
import dev.writ.identity.tls.PeerCheck;
import dev.writ.identity.tls.PeerRefusedException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Authenticates the node behind a request to an agent route (docs/spec/enrollment.md sections 3.4
 * and 7): the certificate chain the client presented in this TLS connection is validated again as
 * an X.509-SVID at the server's clock, and the registry check of the handshake runs again, so a
 * node revoked or superseded after it connected is refused on its next request. A request without a
 * certificate is refused.
 *
 * <p>Thread-safe: its parts are.
 */
final class NodeAuth {
  /** A refused peer: the reason, a one-line detail and what the refusal is audited under. */
  static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final byte[] presented;

    RefusedException(Reason reason, byte[] presented, String detail) {
      super(detail);
      this.reason = reason;
      this.presented = presented.clone();
    }

    Reason reason() {
      return reason;
    }

    /** {@link HandshakeAudit#presented} of the certificate the peer showed. */
    byte[] presented() {
      return presented.clone();
    }
  }

  private final Supplier<TrustBundle> bundle;
  private final PeerCheck registry;
  private final Clock clock;

  NodeAuth(Supplier<TrustBundle> bundle, PeerCheck registry, Clock clock) {
    this.bundle = bundle;
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * The peer's SVID, valid now and held by a registered, unrevoked node.
   *
   * @param chain the peer's certificate chain, leaf first; empty when it presented none
   * @throws RefusedException {@code UNKNOWN_NODE} (no certificate, not a registered node or
   *     serial), {@code NODE_REVOKED}, or {@code SVID_INVALID}
   */
  X509Svid authenticate(List<X509Certificate> chain) throws RefusedException {
    if (chain.isEmpty()) {
      throw new RefusedException(
          Reason.UNKNOWN_NODE,
          HandshakeAudit.presented(Optional.empty(), Optional.empty()),
          "this route needs a node SVID presented in the TLS handshake");
    }
    byte[] presented =
        HandshakeAudit.presented(
            SvidValidator.claimedId(chain.getFirst()),
            Optional.of(chain.getFirst().getSerialNumber()));
    X509Svid svid;
    try {
      svid = SvidValidator.validate(chain, bundle.get(), clock.instant());
    } catch (SvidException e) {
      throw new RefusedException(Reason.SVID_INVALID, presented, e.getMessage());
    }
    try {
      registry.check(svid);
    } catch (PeerRefusedException e) {
      throw new RefusedException(HandshakeAudit.reason(e.refusal()), presented, e.getMessage());
    }
    return svid;
  }
}
