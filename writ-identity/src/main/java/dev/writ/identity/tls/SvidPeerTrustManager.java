package dev.writ.identity.tls;

import dev.writ.core.SpiffeId;
import dev.writ.identity.svid.TrustBundle;
import dev.writ.identity.svid.X509Svid;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of the Raft links between Writ server peers, on both ends of a mutual TLS 1.3
 * connection: the other end is accepted only if its chain is a valid X.509-SVID of the bundle's
 * trust domain at the injected clock's time and its SPIFFE ID is a server peer's, {@code
 * spiffe://<td>/writ/peer/<id>}. Everything else the same CA issues (a node's {@code /node/...}
 * SVID, the client-facing {@code /writ/server} certificate) is refused with {@link
 * PeerRefusal#WRONG_PEER_ID}: only peers may replicate or submit state-machine commands.
 *
 * <p>Peers are identified by SPIFFE ID, not host name: there is no host-name verification. As with
 * {@link SvidServerTrustManager}, the handshake session is invalidated once checked, so no
 * connection resumes past the check; the methods without a socket or engine refuse.
 *
 * <p>Thread-safe if the bundle supplier, clock and listener are.
 */
public final class SvidPeerTrustManager extends X509ExtendedTrustManager {
  /** The path prefix of every server peer's SPIFFE ID. */
  public static final String PEER_PATH_PREFIX = "/writ/peer/";

  private final Supplier<TrustBundle> bundle;
  private final Clock clock;
  private final RefusalListener listener;

  /**
   * @param bundle the current trust bundle, read on every handshake
   * @param clock the time SVIDs are validated at
   * @param listener told about every refusal
   */
  public SvidPeerTrustManager(Supplier<TrustBundle> bundle, Clock clock, RefusalListener listener) {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * The SPIFFE ID of server peer {@code peerId} in {@code trustDomain}.
   *
   * @throws IllegalArgumentException if {@code peerId} is empty or not letters, digits and '-'
   */
  public static SpiffeId peerId(String trustDomain, String peerId) {
    if (!isPeerName(peerId)) {
      throw new IllegalArgumentException("peer id must be letters, digits or '-': " + peerId);
    }
    return new SpiffeId(trustDomain, PEER_PATH_PREFIX + peerId);
  }

  /** Whether {@code id}'s path is a server peer's, {@code /writ/peer/<letters, digits, '-'>}. */
  public static boolean isPeer(SpiffeId id) {
    return id.path().startsWith(PEER_PATH_PREFIX)
        && isPeerName(id.path().substring(PEER_PATH_PREFIX.length()));
  }

  private static boolean isPeerName(String name) {
    return !name.isEmpty()
        && name.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-'));
  }

  private static void requirePeer(X509Svid svid) throws PeerRefusedException {
    if (!isPeer(svid.id())) {
      throw new PeerRefusedException(
          PeerRefusal.WRONG_PEER_ID,
          svid.id() + " is not a server peer (" + PEER_PATH_PREFIX + ")");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, Handshakes.session(socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, Handshakes.session(engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, Handshakes.session(socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, Handshakes.session(engine));
  }

  /** Refuses: without the handshake session, resumption could not be prevented. */
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("an SVID trust manager needs the socket or engine");
  }

  /** Refuses: without the handshake session, resumption could not be prevented. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("an SVID trust manager needs the socket or engine");
  }

  /** The bundle's authorities, offered to the other end as acceptable issuers. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return bundle.get().authorities().toArray(X509Certificate[]::new);
  }

  private void check(X509Certificate[] chain, SSLSession session) throws CertificateException {
    Handshakes.check(
        chain, session, bundle.get(), clock.instant(), SvidPeerTrustManager::requirePeer, listener);
  }
}
