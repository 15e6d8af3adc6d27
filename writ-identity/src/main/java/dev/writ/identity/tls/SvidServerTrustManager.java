package dev.writ.identity.tls;

import dev.writ.identity.svid.TrustBundle;
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
 * The server side's trust manager: a client certificate is accepted only if its chain is a valid
 * X.509-SVID of the bundle's trust domain at the injected clock's time ({@code SvidValidator}), the
 * handshake is TLS 1.3, and then the {@link PeerCheck} accepts it. Any failure refuses the
 * handshake with a {@link CertificateException} whose message starts with the {@link PeerRefusal}
 * code, after telling the {@link RefusalListener}. Fail closed: the methods without a socket or
 * engine, and every server-certificate method, refuse.
 *
 * <p>Resumption never skips the check: the handshake session is invalidated as soon as the check
 * has run, so the JDK issues no session ticket for it and no later handshake can resume it. Every
 * connection is a full handshake that calls this trust manager again.
 *
 * <p>Thread-safe if the bundle supplier, clock, peer check and listener are.
 */
public final class SvidServerTrustManager extends X509ExtendedTrustManager {
  private final Supplier<TrustBundle> bundle;
  private final Clock clock;
  private final PeerCheck peerCheck;
  private final RefusalListener listener;

  /**
   * @param bundle the current trust bundle, read on every handshake
   * @param clock the time SVIDs are validated at
   * @param peerCheck the registry and revocation decision
   * @param listener told about every refusal
   */
  public SvidServerTrustManager(
      Supplier<TrustBundle> bundle, Clock clock, PeerCheck peerCheck, RefusalListener listener) {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.peerCheck = Objects.requireNonNull(peerCheck, "peerCheck");
    this.listener = Objects.requireNonNull(listener, "listener");
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

  /** Refuses: without the handshake session, resumption could not be prevented. */
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("an SVID trust manager needs the socket or engine");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw notForServers();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw notForServers();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw notForServers();
  }

  /** The bundle's authorities, offered to clients as acceptable issuers. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return bundle.get().authorities().toArray(X509Certificate[]::new);
  }

  private void check(X509Certificate[] chain, SSLSession session) throws CertificateException {
    Handshakes.check(chain, session, bundle.get(), clock.instant(), peerCheck, listener);
  }

  private static CertificateException notForServers() {
    return new CertificateException("a server-side SVID trust manager does not check servers");
  }
}
