package dev.writ.identity.tls;

import dev.writ.identity.svid.SvidException;
import dev.writ.identity.svid.SvidFailure;
import dev.writ.identity.svid.SvidValidator;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.X509Svid;
import java.math.BigInteger;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * What every SVID trust manager does on a handshake: find the handshake session, require TLS 1.3,
 * validate the peer's chain, and turn a refusal into the {@link CertificateException} the JDK
 * expects, telling the listener first. Stateless and thread-safe.
 */
final class Handshakes {
  static final String TLS13 = "TLSv1.3";

  private Handshakes() {}

  /** The handshake session of a JDK TLS socket; fails closed for anything else. */
  static SSLSession session(Socket socket) throws CertificateException {
    if (socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null) {
      return ssl.getHandshakeSession();
    }
    throw new CertificateException("no TLS handshake in progress on this socket");
  }

  /** The handshake session of an engine; fails closed when there is none. */
  static SSLSession session(SSLEngine engine) throws CertificateException {
    if (engine != null && engine.getHandshakeSession() != null) {
      return engine.getHandshakeSession();
    }
    throw new CertificateException("no TLS handshake in progress on this engine");
  }

  /** Requires TLS 1.3, then validates the peer's chain against the bundle at {@code now}. */
  static X509Svid validate(
      X509Certificate[] chain, SSLSession session, TrustBundle bundle, Instant now)
      throws PeerRefusedException, SvidException {
    if (!TLS13.equals(session.getProtocol())) {
      throw new PeerRefusedException(
          PeerRefusal.TLS_VERSION, "the handshake is " + session.getProtocol() + ", not " + TLS13);
    }
    if (chain == null || Arrays.asList(chain).contains(null)) {
      throw new SvidException(SvidFailure.SVID_MALFORMED, "the peer sent no certificate chain");
    }
    return SvidValidator.validate(Arrays.asList(chain), bundle, now);
  }

  /**
   * The whole check of one handshake: TLS 1.3, the chain a valid SVID of {@code bundle} at {@code
   * now}, then {@code peerCheck}; any refusal tells {@code listener} and becomes the exception that
   * fails the handshake. The session is invalidated whatever the outcome, so it is never resumed
   * and every connection runs this check again.
   */
  static void check(
      X509Certificate[] chain,
      SSLSession session,
      TrustBundle bundle,
      Instant now,
      PeerCheck peerCheck,
      RefusalListener listener)
      throws CertificateException {
    try {
      X509Svid peer = validate(chain, session, bundle, now);
      runPeerCheck(peerCheck, peer);
    } catch (SvidException e) {
      throw refuse(listener, PeerRefusal.of(e.failure()), chain, e.getMessage(), e);
    } catch (PeerRefusedException e) {
      throw refuse(listener, e.refusal(), chain, e.getMessage(), e);
    } finally {
      session.invalidate();
    }
  }

  private static void runPeerCheck(PeerCheck peerCheck, X509Svid peer) throws PeerRefusedException {
    try {
      peerCheck.check(peer);
    } catch (RuntimeException e) {
      PeerRefusedException refused =
          new PeerRefusedException(
              PeerRefusal.PEER_CHECK_ERROR, "the peer check failed: " + e.getClass().getName());
      refused.initCause(e);
      throw refused;
    }
  }

  /** Tells {@code listener} and returns the exception that fails the handshake. */
  static CertificateException refuse(
      RefusalListener listener,
      PeerRefusal code,
      X509Certificate[] chain,
      String detail,
      Exception cause) {
    X509Certificate leaf = chain == null || chain.length == 0 ? null : chain[0];
    Optional<BigInteger> serial = Optional.ofNullable(leaf).map(X509Certificate::getSerialNumber);
    Refusal refusal =
        new Refusal(
            code, Optional.ofNullable(leaf).flatMap(SvidValidator::claimedId), serial, detail);
    CertificateException e = new CertificateException(code + ": " + detail, cause);
    try {
      listener.refused(refusal);
    } catch (RuntimeException listenerFailure) {
      e.addSuppressed(listenerFailure);
    }
    return e;
  }
}
